package io.vpclab.dataplane.underlay;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Receives UDP payloads (a VXLAN header and the inner frame) from an {@link Underlay}, on the
 * data plane's event loop. Ownership of {@code payload} passes to the sink.
 */
@FunctionalInterface
public interface DatagramSink {

    void accept(ByteBuf payload, InetSocketAddress sender);
}
