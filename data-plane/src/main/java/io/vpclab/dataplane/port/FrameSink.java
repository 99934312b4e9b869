package io.vpclab.dataplane.port;

import io.netty.buffer.ByteBuf;

/**
 * Receives Ethernet frames from a {@link FrameDevice}. Called on the data plane's event loop.
 *
 * <p>Ownership of {@code frame} passes to the sink: it must release it (or pass it on).
 */
@FunctionalInterface
public interface FrameSink {

    void accept(ByteBuf frame);
}
