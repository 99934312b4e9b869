package io.vpclab.dataplane.offload;

import io.netty.buffer.ByteBuf;

/**
 * Receive side of the fast path, a small userspace GRO: fed the inner Ethernet frames of one
 * receive batch (one UDP_GRO buffer or one recvmmsg batch, after VXLAN decapsulation), it merges
 * consecutive in-order segments of one TCP flow into one large frame with a virtio-net header
 * ({@code GSO_TCPV4}, gso_size = the MSS, {@code NEEDS_CSUM}), so one TAP write hands the
 * receiving stack a whole burst (virtio spec 1.x s5.1.6.4; Linux {@code tcp_gro_receive} rules).
 *
 * <p>A segment joins the pending burst when it is untagged Ethernet/IPv4 without options, TCP,
 * with the same MACs, addresses, ports, ACK number, window, TCP options, TOS, TTL and DF bit, its
 * sequence number is the next expected one, its checksums verify, it has no SYN, FIN, RST, URG or
 * CWR, and its payload equals the burst's MSS (the first segment's payload); a shorter segment or
 * one with PSH joins and then ends the burst. The merged IPv4 total length stays at most 65535.
 * Anything else is emitted on its own, in arrival order, behind a {@code GSO_NONE} header:
 * {@code DATA_VALID} for a TCP segment whose checksum was verified, no flags otherwise (the kernel
 * then checks, and drops a corrupt one). Only consecutive frames merge: a frame of another flow
 * ends the pending burst, so the order of frames is never changed.
 *
 * <p>Buffers: the coalescer builds every output frame in the one {@code scratch} buffer given at
 * construction (no allocation per frame) and hands it to the {@link Sink} with the reader index at
 * the virtio-net header and the writer index at the end of the frame. The sink must write it
 * before returning and must neither release nor keep it. {@link #add} copies what it needs, so the
 * caller keeps ownership of its input buffer and may release it as soon as {@code add} returns.
 *
 * <p>Not thread-safe: one instance per event loop. Call {@link #flush()} at the end of each batch.
 */
public final class TcpCoalescer {

    /** Largest IPv4 total length: the 16-bit field (RFC 791 s3.1) caps a merged burst. */
    public static final int MAX_IP_TOTAL_LENGTH = 65535;
    /** Largest frame that can arrive: Ethernet with an 802.1Q tag around a maximal IPv4 packet. */
    public static final int MAX_FRAME_LENGTH = 18 + MAX_IP_TOTAL_LENGTH;

    /** Receives each output frame, virtio-net header first, on the coalescer's thread. */
    @FunctionalInterface
    public interface Sink {
        /** Writes the readable bytes of {@code frame} (header + frame) before returning; must not release or keep it. */
        void write(ByteBuf frame);
    }

    private final int virtioHeaderLength;
    private final ByteBuf scratch;
    private final Sink sink;

    /**
     * @param virtioHeaderLength 10 or 12, as configured on the TAP
     * @param scratch            at least {@link #scratchCapacity(int)} bytes of capacity; stays the caller's
     * @param sink               where output frames go, one call per TAP write
     */
    public TcpCoalescer(int virtioHeaderLength, ByteBuf scratch, Sink sink) {
        this.virtioHeaderLength = VirtioNetHeader.checkLength(virtioHeaderLength);
        if (scratch.capacity() < scratchCapacity(virtioHeaderLength)) {
            throw new IllegalArgumentException("scratch capacity " + scratch.capacity() + " below "
                + scratchCapacity(virtioHeaderLength));
        }
        this.scratch = scratch;
        this.sink = sink;
    }

    /** The scratch capacity the constructor requires: a virtio-net header plus the largest frame. */
    public static int scratchCapacity(int virtioHeaderLength) {
        return VirtioNetHeader.checkLength(virtioHeaderLength) + MAX_FRAME_LENGTH;
    }

    /**
     * Adds one inner Ethernet frame of {@code length} bytes at absolute {@code offset} of {@code buf}
     * (indexes unchanged, not released). May emit the pending burst, this frame, or both.
     */
    public void add(ByteBuf buf, int offset, int length) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Emits the pending burst, if any: call at the end of every receive batch. */
    public void flush() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Frames given to {@link #add} since construction. */
    public long framesIn() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Frames handed to the sink since construction (merged bursts count once). */
    public long framesOut() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Output frames that merged two or more segments. */
    public long burstsOut() {
        throw new UnsupportedOperationException("not yet");
    }

    /** TCP segments that failed checksum verification and were passed on unmerged, without DATA_VALID. */
    public long checksumFailures() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Frames longer than {@link #MAX_FRAME_LENGTH}, dropped (none can come out of a UDP datagram). */
    public long oversizeDrops() {
        throw new UnsupportedOperationException("not yet");
    }
}
