package io.vpclab.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.Checksums;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Tcp;
import io.vpclab.dataplane.packet.Udp;

/**
 * Receive side of the fast path, a small userspace GRO: fed the inner Ethernet frames of one
 * receive batch (one UDP_GRO buffer or one recvmmsg batch, after VXLAN decapsulation), it merges
 * consecutive in-order segments of one TCP flow into one large frame with a virtio-net header
 * ({@code GSO_TCPV4}, gso_size = the MSS, {@code NEEDS_CSUM}), so one TAP write hands the
 * receiving stack a whole burst (virtio spec 1.x s5.1.6.4; Linux {@code tcp_gro_receive} rules).
 *
 * <p>A segment joins the pending burst when it is untagged Ethernet/IPv4 without options, TCP,
 * with the same MACs, addresses, ports, ACK number, window, TCP options, TOS, TTL and DF bit (and,
 * without DF, the next IP ID), its sequence number is the next expected one, its checksums verify
 * (or its TCP checksum is the partial one a sender with checksum offload leaves: the pseudo-header
 * sum), it has no SYN, FIN, RST, URG or CWR, and its payload equals the burst's MSS (the first segment's payload); a shorter segment or
 * one with PSH joins and then ends the burst. The merged IPv4 total length stays at most 65535.
 * Anything else is emitted on its own, in arrival order, behind a {@code GSO_NONE} header:
 * {@code DATA_VALID} for a TCP segment or UDP datagram whose checksum was verified, {@code NEEDS_CSUM} for one whose
 * checksum was left partial (so the receiving stack trusts it as it would from a veth), no flags
 * otherwise (the kernel then checks, and drops a corrupt one). A corrupt segment passes for
 * partial only if its checksum field happens to equal the pseudo-header sum (1 in 65536). Only consecutive frames merge: a frame of another flow
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

    private static final int ETHERNET_HEADER = Ethernet.HEADER_LENGTH;
    private static final int IPV4_HEADER = Ipv4.MIN_HEADER_LENGTH;
    /** Offset of the TCP header in an untagged IPv4 frame without options: csum_start of a burst. */
    private static final int TCP_OFFSET = ETHERNET_HEADER + IPV4_HEADER;

    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int PSH = 0x08;
    private static final int URG = 0x20;
    private static final int CWR = 0x80;
    /** Flags that keep a segment out of any burst (Linux tcp_gro_receive flushes on these; FIN too, by choice). */
    private static final int NEVER_MERGED = FIN | SYN | RST | URG | CWR;

    private final int virtioHeaderLength;
    private final ByteBuf scratch;
    private final Sink sink;

    /** Segments in the pending burst, 0 when none; the burst's frame sits in scratch after the header. */
    private int pendingSegments;
    /** The pending burst's first segment came with a partial checksum (matters while it is alone). */
    private boolean pendingPartial;

    private int pendingFrameLength;
    private int pendingTcpHeaderLength;
    private int pendingMss;
    private long pendingNextSequence;

    private long framesIn;
    private long framesOut;
    private long burstsOut;
    private long checksumFailures;
    private long partialChecksums;
    private long oversizeDrops;

    /**
     * @param virtioHeaderLength 10 or 12, as configured on the TAP
     * @param scratch            at least {@link #scratchCapacity(int)} bytes of capacity; stays the caller's
     * @param sink               where output frames go, one call per TAP write
     */
    public TcpCoalescer(int virtioHeaderLength, ByteBuf scratch, Sink sink) {
        this.virtioHeaderLength = VirtioNetHeader.checkLength(virtioHeaderLength);
        if (scratch.capacity() < scratchCapacity(virtioHeaderLength)) {
            throw new IllegalArgumentException(
                    "scratch capacity " + scratch.capacity() + " below " + scratchCapacity(virtioHeaderLength));
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
        if (length < 0 || offset < 0 || offset > buf.writerIndex() - length) {
            throw new IndexOutOfBoundsException(
                    "frame " + offset + "+" + length + " outside the buffer's " + buf.writerIndex() + " written bytes");
        }
        framesIn++;
        if (length > MAX_FRAME_LENGTH) {
            flush();
            oversizeDrops++;
            return;
        }
        int payloadLength = tcpPayloadLength(buf, offset, length);
        if (payloadLength < 0) {
            flush();
            emitAsIs(buf, offset, length, udpChecksumFlags(buf, offset, length), VirtioNetHeader.UDP_CSUM_OFFSET);
            return;
        }
        int ip = offset + ETHERNET_HEADER;
        int tcp = ip + IPV4_HEADER;
        int tcpLength = Ipv4.totalLength(buf, ip) - IPV4_HEADER;
        long pseudoHeader = Checksums.pseudoHeaderSum(
                Ipv4.source(buf, ip), Ipv4.destination(buf, ip), IpProtocol.TCP_VALUE, tcpLength);
        boolean verified = Checksums.verifies(Checksums.sum(buf, tcp, tcpLength, pseudoHeader));
        // a sender with checksum offload (the kernel's vxlan over a veth) leaves the pseudo-header sum
        boolean partial = !verified && Tcp.checksum(buf, tcp) == Checksums.fold(pseudoHeader);
        if (!Checksums.verifies(Checksums.sum(buf, ip, IPV4_HEADER, 0)) || !(verified || partial)) {
            flush();
            checksumFailures++;
            emitAsIs(buf, offset, length, 0, 0);
            return;
        }
        if (partial) {
            partialChecksums++;
        }
        int flags = Tcp.flags(buf, tcp);
        if ((flags & NEVER_MERGED) != 0 || payloadLength == 0) {
            flush();
            emitAsIs(
                    buf,
                    offset,
                    length,
                    partial ? VirtioNetHeader.F_NEEDS_CSUM : VirtioNetHeader.F_DATA_VALID,
                    VirtioNetHeader.TCP_CSUM_OFFSET);
            return;
        }
        if (pendingSegments > 0 && joins(buf, offset, payloadLength)) {
            append(buf, offset, payloadLength, flags);
        } else {
            flush();
            start(buf, offset, payloadLength, partial);
        }
        if ((flags & PSH) != 0 || payloadLength < pendingMss) {
            flush();
        }
    }

    /**
     * The TCP payload length when the frame is a merge candidate: untagged Ethernet, IPv4 without
     * options and not a fragment, TCP, lengths consistent. -1 otherwise (the frame passes as it is).
     */
    private static int tcpPayloadLength(ByteBuf buf, int offset, int length) {
        if (length < TCP_OFFSET + Tcp.MIN_HEADER_LENGTH || Ethernet.etherType(buf, offset) != EtherType.IPV4_VALUE) {
            return -1;
        }
        int ip = offset + ETHERNET_HEADER;
        if (buf.getUnsignedByte(ip) != 0x45
                || Ipv4.protocol(buf, ip) != IpProtocol.TCP_VALUE
                || Ipv4.isFragment(buf, ip)) {
            return -1;
        }
        int totalLength = Ipv4.totalLength(buf, ip);
        int tcpHeaderLength = Tcp.headerLength(buf, ip + IPV4_HEADER);
        if (totalLength > length - ETHERNET_HEADER
                || tcpHeaderLength < Tcp.MIN_HEADER_LENGTH
                || IPV4_HEADER + tcpHeaderLength > totalLength) {
            return -1;
        }
        return totalLength - IPV4_HEADER - tcpHeaderLength;
    }

    /**
     * True when the verified candidate at {@code offset} continues the pending burst: every header
     * byte that must be equal is equal (compared with the burst's first segment, kept in scratch),
     * its sequence number is the next expected one, it is no longer than the MSS, and the merged
     * IPv4 packet still fits its 16-bit total length.
     */
    private boolean joins(ByteBuf buf, int offset, int payloadLength) {
        int head = virtioHeaderLength;
        int ip = offset + ETHERNET_HEADER;
        int tcp = ip + IPV4_HEADER;
        int headIp = head + ETHERNET_HEADER;
        int headTcp = headIp + IPV4_HEADER;
        int tcpHeaderLength = Tcp.headerLength(buf, tcp);
        return payloadLength <= pendingMss
                && pendingFrameLength - ETHERNET_HEADER + payloadLength <= MAX_IP_TOTAL_LENGTH
                && tcpHeaderLength == pendingTcpHeaderLength
                && Tcp.sequence(buf, tcp) == pendingNextSequence
                // MACs and EtherType
                && buf.getLong(offset) == scratch.getLong(head)
                && buf.getInt(offset + 8) == scratch.getInt(head + 8)
                && buf.getShort(offset + 12) == scratch.getShort(head + 12)
                // version/IHL, TOS; TTL, protocol; DF (RFC 791 s3.1)
                && buf.getShort(ip) == scratch.getShort(headIp)
                && buf.getShort(ip + 8) == scratch.getShort(headIp + 8)
                && (buf.getShort(ip + 6) & Ipv4.FLAG_DONT_FRAGMENT)
                        == (scratch.getShort(headIp + 6) & Ipv4.FLAG_DONT_FRAGMENT)
                // without DF the IDs must count up from the first, as inet_gro_receive demands (with DF they may be
                // fixed)
                && ((buf.getShort(ip + 6) & Ipv4.FLAG_DONT_FRAGMENT) != 0
                        || Ipv4.identification(buf, ip)
                                == (Ipv4.identification(scratch, headIp) + pendingSegments & 0xFFFF))
                // source and destination addresses, then ports
                && buf.getLong(ip + 12) == scratch.getLong(headIp + 12)
                && buf.getInt(tcp) == scratch.getInt(headTcp)
                // acknowledgment number; data offset, flags but PSH, window (Linux compares this word too)
                && buf.getInt(tcp + 8) == scratch.getInt(headTcp + 8)
                && ((buf.getInt(tcp + 12) ^ scratch.getInt(headTcp + 12)) & ~(PSH << 16)) == 0
                // options byte for byte (timestamps must match, as in tcp_gro_receive)
                && sameOptions(buf, tcp, headTcp, tcpHeaderLength);
    }

    /** Compares the TCP options word by word (their length is a multiple of 4, RFC 9293 s3.1). */
    private boolean sameOptions(ByteBuf buf, int tcp, int headTcp, int tcpHeaderLength) {
        for (int i = Tcp.MIN_HEADER_LENGTH; i < tcpHeaderLength; i += 4) {
            if (buf.getInt(tcp + i) != scratch.getInt(headTcp + i)) {
                return false;
            }
        }
        return true;
    }

    /** Copies the first segment of a new burst (without any Ethernet padding) into scratch. */
    private void start(ByteBuf buf, int offset, int payloadLength, boolean partial) {
        int ip = offset + ETHERNET_HEADER;
        int tcp = ip + IPV4_HEADER;
        int frameLength = ETHERNET_HEADER + Ipv4.totalLength(buf, ip);
        scratch.setBytes(virtioHeaderLength, buf, offset, frameLength);
        pendingSegments = 1;
        pendingPartial = partial;
        pendingFrameLength = frameLength;
        pendingTcpHeaderLength = Tcp.headerLength(buf, tcp);
        pendingMss = payloadLength;
        pendingNextSequence = (Tcp.sequence(buf, tcp) + payloadLength) & 0xFFFF_FFFFL;
    }

    /** Appends a joining segment's payload; a PSH on it is carried to the burst (tcp_gro_receive does too). */
    private void append(ByteBuf buf, int offset, int payloadLength, int flags) {
        int payload = offset + ETHERNET_HEADER + IPV4_HEADER + pendingTcpHeaderLength;
        scratch.setBytes(virtioHeaderLength + pendingFrameLength, buf, payload, payloadLength);
        pendingFrameLength += payloadLength;
        pendingSegments++;
        pendingNextSequence = (pendingNextSequence + payloadLength) & 0xFFFF_FFFFL;
        if ((flags & PSH) != 0) {
            int flagsIndex = virtioHeaderLength + TCP_OFFSET + 13;
            scratch.setByte(flagsIndex, scratch.getByte(flagsIndex) | PSH);
        }
    }

    /** Emits the pending burst, if any: call at the end of every receive batch. */
    public void flush() {
        if (pendingSegments == 0) {
            return;
        }
        int head = virtioHeaderLength;
        if (pendingSegments == 1) {
            // one segment is the original frame, its full checksum verified or left partial by its sender
            writeSingleHeader(
                    pendingPartial ? VirtioNetHeader.F_NEEDS_CSUM : VirtioNetHeader.F_DATA_VALID,
                    VirtioNetHeader.TCP_CSUM_OFFSET);
        } else {
            int ip = head + ETHERNET_HEADER;
            int tcp = head + TCP_OFFSET;
            int totalLength = pendingFrameLength - ETHERNET_HEADER;
            int tcpLength = totalLength - IPV4_HEADER;
            scratch.setShort(ip + 2, totalLength);
            scratch.setShort(ip + 10, 0);
            scratch.setShort(ip + 10, Checksums.finish(Checksums.sum(scratch, ip, IPV4_HEADER, 0)));
            // CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum, the receiver adds the rest
            scratch.setShort(
                    tcp + 16,
                    Checksums.fold(Checksums.pseudoHeaderSum(
                            Ipv4.source(scratch, ip), Ipv4.destination(scratch, ip), IpProtocol.TCP_VALUE, tcpLength)));
            VirtioNetHeader.write(
                    scratch,
                    0,
                    head,
                    VirtioNetHeader.F_NEEDS_CSUM,
                    VirtioNetHeader.GSO_TCPV4,
                    TCP_OFFSET + pendingTcpHeaderLength,
                    pendingMss,
                    TCP_OFFSET,
                    VirtioNetHeader.TCP_CSUM_OFFSET);
            burstsOut++;
        }
        pendingSegments = 0;
        emit(head + pendingFrameLength);
    }

    /**
     * The header flags for a frame that is not a TCP merge candidate: for an IPv4 UDP datagram
     * (no options, not a fragment) DATA_VALID when its checksum verifies, NEEDS_CSUM when its
     * sender left it partial, as for TCP; 0 for anything else, a corrupt datagram and one sent
     * without a checksum (field 0, RFC 768), which the receiving stack then judges itself.
     */
    private int udpChecksumFlags(ByteBuf buf, int offset, int length) {
        int ip = offset + ETHERNET_HEADER;
        int udp = ip + IPV4_HEADER;
        if (length < TCP_OFFSET + Udp.HEADER_LENGTH
                || Ethernet.etherType(buf, offset) != EtherType.IPV4_VALUE
                || buf.getUnsignedByte(ip) != 0x45
                || Ipv4.protocol(buf, ip) != IpProtocol.UDP_VALUE
                || Ipv4.isFragment(buf, ip)) {
            return 0;
        }
        int udpLength = Ipv4.totalLength(buf, ip) - IPV4_HEADER;
        if (udpLength > length - TCP_OFFSET
                || Udp.length(buf, udp) != udpLength
                || udpLength < Udp.HEADER_LENGTH
                || Udp.checksum(buf, udp) == 0) {
            return 0;
        }
        long pseudoHeader = Checksums.pseudoHeaderSum(
                Ipv4.source(buf, ip), Ipv4.destination(buf, ip), IpProtocol.UDP_VALUE, udpLength);
        if (!Checksums.verifies(Checksums.sum(buf, ip, IPV4_HEADER, 0))) {
            checksumFailures++;
            return 0;
        }
        if (Checksums.verifies(Checksums.sum(buf, udp, udpLength, pseudoHeader))) {
            return VirtioNetHeader.F_DATA_VALID;
        }
        if (Udp.checksum(buf, udp) == Checksums.fold(pseudoHeader)) {
            partialChecksums++;
            return VirtioNetHeader.F_NEEDS_CSUM;
        }
        checksumFailures++;
        return 0;
    }

    /** Copies a frame that is not merged into scratch behind a GSO_NONE header and emits it. */
    private void emitAsIs(ByteBuf buf, int offset, int length, int flags, int csumOffset) {
        writeSingleHeader(flags, csumOffset);
        scratch.setBytes(virtioHeaderLength, buf, offset, length);
        emit(virtioHeaderLength + length);
    }

    /**
     * A GSO_NONE header; with NEEDS_CSUM it points at the L4 checksum ({@code csumOffset} into the
     * TCP or UDP header) of an untagged, option-free IPv4 frame.
     */
    private void writeSingleHeader(int flags, int csumOffset) {
        boolean partial = flags == VirtioNetHeader.F_NEEDS_CSUM;
        VirtioNetHeader.write(
                scratch,
                0,
                virtioHeaderLength,
                flags,
                VirtioNetHeader.GSO_NONE,
                0,
                0,
                partial ? TCP_OFFSET : 0,
                partial ? csumOffset : 0);
    }

    private void emit(int length) {
        scratch.setIndex(0, length);
        framesOut++;
        sink.write(scratch);
    }

    /** Frames given to {@link #add} since construction. */
    public long framesIn() {
        return framesIn;
    }

    /** Frames handed to the sink since construction (merged bursts count once). */
    public long framesOut() {
        return framesOut;
    }

    /** Output frames that merged two or more segments. */
    public long burstsOut() {
        return burstsOut;
    }

    /** TCP segments and UDP datagrams that failed checksum verification and were passed on unmerged, without DATA_VALID. */
    public long checksumFailures() {
        return checksumFailures;
    }

    /**
     * TCP segments and UDP datagrams whose checksum field held only the pseudo-header sum, as a
     * sender with checksum offload leaves it (the kernel's vxlan over a veth): merged, or passed on
     * with NEEDS_CSUM.
     */
    public long partialChecksums() {
        return partialChecksums;
    }

    /** Frames longer than {@link #MAX_FRAME_LENGTH}, dropped (none can come out of a UDP datagram). */
    public long oversizeDrops() {
        return oversizeDrops;
    }
}
