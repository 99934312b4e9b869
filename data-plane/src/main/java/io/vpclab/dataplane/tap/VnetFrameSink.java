package io.vpclab.dataplane.tap;

import io.netty.buffer.ByteBuf;

/**
 * Receives what a TAP opened with a virtio-net header reads: the 12-byte header at readerIndex,
 * then the frame (a TCP burst of up to 64 KB with TSO). Called on the device's event loop.
 *
 * <p>The buffer is borrowed: it is valid only during the call and is reused for the next read,
 * so the sink copies what it keeps (segmentation copies anyway) and never releases it.
 */
@FunctionalInterface
public interface VnetFrameSink {

    void accept(ByteBuf headerAndFrame);
}
