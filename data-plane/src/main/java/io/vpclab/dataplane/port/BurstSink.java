package io.vpclab.dataplane.port;

import io.netty.buffer.ByteBuf;

/**
 * Takes a burst read from a {@link BurstPort} whole: a 12-byte virtio-net header at readerIndex,
 * then the frame (a TSO burst of up to 64 KB). Called on the device's event loop.
 *
 * <p>The buffer is borrowed (valid only during the call, never released by the sink). A sink
 * that cannot carry the burst whole returns false before it has counted or sent anything; the
 * port then cuts the burst into wire frames for its {@link FrameSink}, as a NIC would.
 */
@FunctionalInterface
public interface BurstSink {

    boolean offer(ByteBuf headerAndFrame);
}
