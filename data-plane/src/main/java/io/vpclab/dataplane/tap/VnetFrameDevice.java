package io.vpclab.dataplane.tap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

/**
 * A frame device that speaks virtio-net headers in both directions: a {@link TapDevice} opened
 * with {@link TapDevice#openWithOffloads}, or an in-memory twin in tests. Every frame read
 * reaches the sink behind a {@link TapOffloads#VNET_HEADER_BYTES}-byte header (all zero when the
 * device has none), and {@link #writeVnet} takes one the same way. Everything runs on the loop
 * given to {@link #startVnet}.
 */
public interface VnetFrameDevice extends AutoCloseable {

    /** A name for counters and logs. */
    String name();

    /** What the device runs with: {@link TapOffloads#NONE}, or a header and the offloads in force. */
    TapOffloads offloads();

    /** {@link io.vpclab.dataplane.port.FrameDevice#passesVlanTags} of the port this device backs. */
    default boolean passesVlanTags() {
        return false;
    }

    /** Runs {@code action} on the loop after each burst of frames read; call before {@link #startVnet}. */
    void onBatchEnd(Runnable action);

    /** Starts reading: each frame, header first, is lent to {@code sink} on {@code loop}. */
    void startVnet(EventLoop loop, VnetFrameSink sink);

    /**
     * Writes a virtio-net header and the frame behind it (readerIndex to writerIndex); the buffer
     * stays the caller's. A device without a header leaves the header out.
     */
    void writeVnet(ByteBuf headerAndFrame);

    /** Writes a plain frame (no header in the buffer) and releases it. */
    void write(ByteBuf frame);

    /**
     * Counts {@code bytes} copied between buffers on this device's behalf (a reader that copies
     * what it was lent, on the loop), so the device's I/O figures show the copies of its path.
     */
    default void copied(int bytes) {}

    /** Stops reading and frees the device. Idempotent. */
    @Override
    void close();
}
