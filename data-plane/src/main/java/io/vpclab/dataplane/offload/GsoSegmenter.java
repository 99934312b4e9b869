package io.vpclab.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.Checksums;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Ipv4;

/**
 * Cuts one frame read from a TAP opened with {@code IFF_VNET_HDR} and {@code TUNSETOFFLOAD} (CSUM,
 * TSO4, USO4) into wire-ready inner frames, as a NIC's segmentation engine would (virtio spec 1.x
 * s5.1.6.2; RFC 9293 s3.7.1 for segment sizes).
 *
 * <p>Output layout, appended at the destination's writer index, ready for one UDP GSO send:
 * <pre>
 *   [gap][frame 1] [gap][frame 2] ... [gap][frame N]
 * </pre>
 * {@code gap} bytes (zeroed; the caller writes the 8-byte VXLAN header there) precede each frame.
 * Every segment but the last is exactly {@link #segmentLength()} bytes (gap + Ethernet + IPv4 +
 * L4 headers + gso_size payload); the last may be shorter ({@link #lastSegmentLength()}). That is
 * what Linux UDP GSO ({@code UDP_SEGMENT}) wants: equal sizes, only the last one short. The caller
 * must split one burst into several sends when it exceeds what one GSO send takes (64 KiB of UDP
 * payload and {@code UDP_MAX_SEGMENTS} segments): any prefix of whole segments is a valid send.
 *
 * <p>Per segment of a {@code GSO_TCPV4} or {@code GSO_UDP_L4} burst, done here once for both: the
 * headers copied, IPv4 total length and header checksum rewritten, IP ID = original + index
 * (mod 2^16), and the L4 checksum computed in full over the pseudo-header (not left partial),
 * because the receiver is a kernel VXLAN peer or another agent, not a NIC. What differs is the
 * transport's: {@link TcpSegmenter} (sequence numbers, flags) and {@link UdpSegmenter} (each
 * segment a datagram with its own UDP length). A {@code GSO_NONE} frame becomes one segment, its
 * partial checksum completed when it says {@code NEEDS_CSUM}; a frame that asks nothing (ARP,
 * ICMP, anything) is copied as it is.
 *
 * <p>Not thread-safe: one instance per event loop. Allocation free: the only writes are to the
 * destination the caller gives; refusals are counted, never thrown.
 */
public final class GsoSegmenter {

    private static final int ETHERNET_HEADER = Ethernet.HEADER_LENGTH;
    private static final int IPV4_HEADER = Ipv4.MIN_HEADER_LENGTH;

    private final int virtioHeaderLength;
    private final TcpSegmenter tcp = new TcpSegmenter();
    private final UdpSegmenter udp = new UdpSegmenter();
    private final long[] refusals = new long[SegmentRefusal.values().length];
    private SegmentRefusal lastRefusal;
    private int segmentLength;
    private int lastSegmentLength;
    private long burstsSegmented;
    private long segmentsWritten;

    /** @param virtioHeaderLength 10 or 12, as configured on the TAP with TUNSETVNETHDRSZ */
    public GsoSegmenter(int virtioHeaderLength) {
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
     * hdr_len is not trusted (Linux reports its linear head length there): headers are parsed.
     *
     * @param gap bytes left before each frame (8 for VXLAN), 0 or more
     * @return the number of segments written (1 or more), or 0 when refused ({@link #lastRefusal()})
     */
    public int segment(ByteBuf input, ByteBuf destination, int gap) {
        if (gap < 0) {
            throw new IllegalArgumentException("gap must not be negative: " + gap);
        }
        int header = input.readerIndex();
        int frame = header + virtioHeaderLength;
        int frameLength = input.writerIndex() - frame;
        if (frameLength < ETHERNET_HEADER) {
            return refuse(SegmentRefusal.TRUNCATED);
        }
        int gsoSize = VirtioNetHeader.gsoSize(input, header);
        return switch (VirtioNetHeader.gsoType(input, header)) {
            case VirtioNetHeader.GSO_NONE -> copySingle(input, header, frame, frameLength, destination, gap);
            case VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.GSO_TCPV4 | VirtioNetHeader.GSO_ECN ->
                segmentIpv4(input, frame, frameLength, gsoSize, destination, gap, tcp);
            case VirtioNetHeader.GSO_UDP_L4 -> segmentIpv4(input, frame, frameLength, gsoSize, destination, gap, udp);
            default -> refuse(SegmentRefusal.UNSUPPORTED_GSO_TYPE);
        };
    }

    /** One frame, no GSO: copied behind the gap, its partial checksum completed if it asks (virtio s5.1.6.2 item 1). */
    private int copySingle(ByteBuf input, int header, int frame, int frameLength, ByteBuf destination, int gap) {
        boolean needsChecksum = VirtioNetHeader.needsChecksum(input, header);
        int csumStart = VirtioNetHeader.csumStart(input, header);
        int csumOffset = VirtioNetHeader.csumOffset(input, header);
        if (needsChecksum && csumStart + csumOffset + 2 > frameLength) {
            return refuse(SegmentRefusal.BAD_CHECKSUM_OFFSETS);
        }
        int length = gap + frameLength;
        if (destination.maxWritableBytes() < length) {
            return refuse(SegmentRefusal.DESTINATION_FULL);
        }
        destination.ensureWritable(length);
        int out = destination.writerIndex();
        destination.setZero(out, gap);
        destination.setBytes(out + gap, input, frame, frameLength);
        destination.writerIndex(out + length);
        if (needsChecksum) {
            Checksums.completePartial(destination, out + gap, frameLength, csumStart, csumOffset);
        }
        return succeed(1, length, length);
    }

    /**
     * A TSO or USO burst: Linux inet_gso_segment with tcp_gso_segment or __udp_gso_segment, done in
     * userspace. Every IPv4 header is the original's with its own total length, ID and checksum.
     */
    private int segmentIpv4(
            ByteBuf input, int frame, int frameLength, int gsoSize, ByteBuf destination, int gap, L4Segments l4Part) {
        int protocol = l4Part.protocol();
        if (frameLength < ETHERNET_HEADER + IPV4_HEADER + l4Part.minHeaderLength()) {
            return refuse(SegmentRefusal.TRUNCATED);
        }
        int ip = frame + ETHERNET_HEADER;
        if (Ethernet.etherType(input, frame) != EtherType.IPV4_VALUE || Ipv4.version(input, ip) != 4) {
            return refuse(SegmentRefusal.NOT_IPV4);
        }
        int ipHeaderLength = Ipv4.headerLength(input, ip);
        if (ipHeaderLength > IPV4_HEADER) {
            return refuse(SegmentRefusal.IPV4_OPTIONS);
        }
        if (ipHeaderLength < IPV4_HEADER) {
            return refuse(SegmentRefusal.BAD_LENGTH);
        }
        if (Ipv4.protocol(input, ip) != protocol) {
            return refuse(SegmentRefusal.WRONG_PROTOCOL);
        }
        if (Ipv4.isFragment(input, ip)) {
            return refuse(SegmentRefusal.FRAGMENT);
        }
        int totalLength = Ipv4.totalLength(input, ip);
        int l4 = ip + IPV4_HEADER;
        int l4Total = totalLength - IPV4_HEADER;
        int l4HeaderLength = l4Total < l4Part.minHeaderLength() ? -1 : l4Part.headerLength(input, l4, l4Total);
        if (totalLength > frameLength - ETHERNET_HEADER || l4HeaderLength < 0) {
            return refuse(SegmentRefusal.BAD_LENGTH);
        }
        if (gsoSize == 0) {
            return refuse(SegmentRefusal.BAD_GSO_SIZE);
        }
        int headersLength = ETHERNET_HEADER + IPV4_HEADER + l4HeaderLength;
        int payloadLength = l4Total - l4HeaderLength;
        int segments = payloadLength == 0 ? 1 : (payloadLength + gsoSize - 1) / gsoSize;
        long outputLength = (long) segments * (gap + headersLength) + payloadLength;
        if (destination.maxWritableBytes() < outputLength) {
            return refuse(SegmentRefusal.DESTINATION_FULL);
        }
        destination.ensureWritable((int) outputLength);

        int identification = Ipv4.identification(input, ip);
        l4Part.begin(input, l4);
        long addressSum = Checksums.pseudoHeaderSum(Ipv4.source(input, ip), Ipv4.destination(input, ip), protocol, 0);
        int out = destination.writerIndex();
        int payload = frame + headersLength;
        int lastLength = 0;
        for (int i = 0; i < segments; i++) {
            boolean last = i == segments - 1;
            int chunk = last ? payloadLength - i * gsoSize : gsoSize;
            destination.setZero(out, gap);
            int segmentFrame = out + gap;
            destination.setBytes(segmentFrame, input, frame, headersLength);
            destination.setBytes(segmentFrame + headersLength, input, payload + i * gsoSize, chunk);

            int segmentIp = segmentFrame + ETHERNET_HEADER;
            destination.setShort(segmentIp + 2, IPV4_HEADER + l4HeaderLength + chunk);
            destination.setShort(segmentIp + 4, identification + i);
            destination.setShort(segmentIp + 10, 0);
            destination.setShort(
                    segmentIp + 10, Checksums.finish(Checksums.sum(destination, segmentIp, IPV4_HEADER, 0)));

            int segmentL4 = segmentIp + IPV4_HEADER;
            int l4Length = l4HeaderLength + chunk;
            int checksumField = segmentL4 + l4Part.fixSegment(destination, segmentL4, i, last, gsoSize, l4Length);
            destination.setShort(checksumField, 0);
            int checksum = Checksums.finish(Checksums.sum(destination, segmentL4, l4Length, addressSum + l4Length));
            destination.setShort(checksumField, l4Part.wireChecksum(checksum));
            lastLength = gap + headersLength + chunk;
            out += lastLength;
        }
        destination.writerIndex(out);
        if (segments > 1) {
            burstsSegmented++;
        }
        return succeed(segments, segments == 1 ? lastLength : gap + headersLength + gsoSize, lastLength);
    }

    private int succeed(int segments, int length, int lastLength) {
        lastRefusal = null;
        segmentLength = length;
        lastSegmentLength = lastLength;
        segmentsWritten += segments;
        return segments;
    }

    private int refuse(SegmentRefusal reason) {
        refusals[reason.ordinal()]++;
        lastRefusal = reason;
        segmentLength = 0;
        lastSegmentLength = 0;
        return 0;
    }

    /** UDP GSO segment size of the last successful call: gap + full-sized frame (every segment but the last). */
    public int segmentLength() {
        return segmentLength;
    }

    /** Length of the last segment (gap + frame) of the last successful call; equals {@link #segmentLength()} on exact multiples. */
    public int lastSegmentLength() {
        return lastSegmentLength;
    }

    /** Why the last call returned 0, or null after a success. */
    public SegmentRefusal lastRefusal() {
        return lastRefusal;
    }

    /** Frames refused for {@code reason} since construction. */
    public long refusals(SegmentRefusal reason) {
        return refusals[reason.ordinal()];
    }

    /** GSO bursts split into more than one segment since construction. */
    public long burstsSegmented() {
        return burstsSegmented;
    }

    /** Segments written since construction (including single-frame outputs). */
    public long segmentsWritten() {
        return segmentsWritten;
    }
}
