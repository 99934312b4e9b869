package io.vpclab.dataplane.offload;

import io.netty.buffer.ByteBuf;

/**
 * Transmit side of the fast path: turns one frame read from a TAP opened with {@code IFF_VNET_HDR}
 * and {@code TUNSETOFFLOAD} (TSO4 + CSUM) into wire-ready inner frames, as a NIC's TSO engine
 * would (virtio spec 1.x s5.1.6.2; RFC 9293 s3.7.1 for segment sizes).
 *
 * <p>Output layout, appended at the destination's writer index, ready for one UDP GSO send:
 * <pre>
 *   [gap][frame 1] [gap][frame 2] ... [gap][frame N]
 * </pre>
 * {@code gap} bytes (zeroed; the caller writes the 8-byte VXLAN header there) precede each frame.
 * Every segment but the last is exactly {@link #segmentLength()} bytes (gap + Ethernet + IPv4 +
 * TCP headers + gso_size payload); the last may be shorter ({@link #lastSegmentLength()}). That is
 * what Linux UDP GSO ({@code UDP_SEGMENT}) wants: equal sizes, only the last one short. The caller
 * must split one burst into several sends when it exceeds what one GSO send takes (64 KiB of UDP
 * payload and {@code UDP_MAX_SEGMENTS} segments): any prefix of whole segments is a valid send.
 *
 * <p>Per segment of a {@code GSO_TCPV4} burst: IPv4 total length and header checksum rewritten,
 * IP ID = original + index (mod 2^16), TCP sequence = original + bytes before it, FIN and PSH only
 * on the last segment, CWR only on the first, TCP checksum computed in full over the pseudo-header
 * (not left partial), because the receiver is a kernel VXLAN peer or another agent, not a NIC.
 * A {@code GSO_NONE} frame becomes one segment, its partial checksum completed when it says
 * {@code NEEDS_CSUM}; a frame that asks nothing (ARP, ICMP, anything) is copied as it is.
 *
 * <p>Not thread-safe: one instance per event loop. Allocation free: the only writes are to the
 * destination the caller gives; refusals are counted, never thrown.
 */
public final class TcpSegmenter {

    private final int virtioHeaderLength;

    /** @param virtioHeaderLength 10 or 12, as configured on the TAP with TUNSETVNETHDRSZ */
    public TcpSegmenter(int virtioHeaderLength) {
        this.virtioHeaderLength = VirtioNetHeader.checkLength(virtioHeaderLength);
    }

    public int virtioHeaderLength() {
        return virtioHeaderLength;
    }

    /**
     * Segments the frame in {@code input}'s readable bytes (virtio-net header first) into
     * {@code destination}, from its writer index, which it advances past the last segment.
     *
     * <p>Ownership: {@code input} is only read (indexes unchanged, not released); {@code destination}
     * stays the caller's. On refusal nothing is written and the destination's indexes are unchanged.
     *
     * @param gap bytes left before each frame (8 for VXLAN), 0 or more
     * @return the number of segments written (1 or more), or 0 when refused ({@link #lastRefusal()})
     */
    public int segment(ByteBuf input, ByteBuf destination, int gap) {
        throw new UnsupportedOperationException("not yet");
    }

    /** UDP GSO segment size of the last successful call: gap + full-sized frame (every segment but the last). */
    public int segmentLength() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Length of the last segment (gap + frame) of the last successful call; equals {@link #segmentLength()} on exact multiples. */
    public int lastSegmentLength() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Why the last call returned 0, or null after a success. */
    public SegmentRefusal lastRefusal() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Frames refused for {@code reason} since construction. */
    public long refusals(SegmentRefusal reason) {
        throw new UnsupportedOperationException("not yet");
    }

    /** GSO bursts split into more than one segment since construction. */
    public long burstsSegmented() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Segments written since construction (including single-frame outputs). */
    public long segmentsWritten() {
        throw new UnsupportedOperationException("not yet");
    }
}
