package io.vpclab.dataplane.port;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

/**
 * A port whose device carries TCP bursts (and UDP bursts where it has USO) with a virtio-net header
 * in both directions (a TAP with offloads), so the pipeline can move a 64 KB burst as one unit
 * where it knows how.
 */
public interface BurstPort extends FrameDevice {

    /** Bytes of virtio-net header before every burst, both ways. */
    int VNET_HEADER_BYTES = 12;

    /**
     * Starts reading: each TSO or USO burst is offered to {@code bursts} first; what it refuses, and
     * every other read, reaches {@code frames} as wire frames with {@link #HEADROOM}.
     */
    void start(EventLoop loop, FrameSink frames, BurstSink bursts);

    /** True when {@link #writeBurst} reaches the device whole (it speaks the header); else bursts must be segmented. */
    boolean writesBursts();

    /**
     * True when {@link #writeBurst} may also carry a UDP burst ({@code GSO_UDP_L4}): the kernel takes
     * one on a TAP write only with USO on; else such a burst must be segmented.
     */
    default boolean writesUdpBursts() {
        return false;
    }

    /** Writes a burst whole (virtio-net header first); the buffer stays the caller's. */
    void writeBurst(ByteBuf headerAndFrame);
}
