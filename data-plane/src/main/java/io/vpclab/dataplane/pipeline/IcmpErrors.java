package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.Checksums;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.port.FrameDevice;

/**
 * ICMP errors (destination unreachable, time exceeded), in one place: built here for every stage
 * that answers with one ({@link #mayAnswer}, {@link #build}), and read and translated here for
 * the NAT stages. An error about a NATed flow quotes the packet as it left the NAT (RFC 792:
 * IPv4 header + 8 bytes), so the quoted packet names the flow in the connection table, and on
 * the way in its source must be translated back as well as the outer destination (RFC 5508 s7),
 * or the instance would not recognise its own packet. Offsets here are relative to the outer
 * IPv4 header; nothing but {@link #build} allocates.
 */
final class IcmpErrors {

    /** Returned by {@link #quotedFlow} when the quoted packet names no flow. */
    static final long NO_FLOW = -1L;

    /** TTL of the errors built here (RFC 1700's default, as Linux). */
    private static final int ORIGINATED_TTL = 64;

    private static final int LIMITED_BROADCAST = 0xFFFF_FFFF;

    private IcmpErrors() {}

    /**
     * Whether the IPv4 packet at {@code ip} may be answered with an ICMP error (RFC 1122 s3.2.2,
     * RFC 1812 s4.3.2.7): not an ICMP error itself (of ICMP, only echo requests and replies are
     * answered), not a non-first fragment, not sent to a broadcast or multicast address, and from
     * one host (not 0.0.0.0, loopback, broadcast or multicast), as Linux checks too.
     */
    static boolean mayAnswer(ByteBuf frame, int ip) {
        int source = Ipv4.source(frame, ip);
        int destination = Ipv4.destination(frame, ip);
        if ((Ipv4.flagsAndFragment(frame, ip) & Ipv4.FRAGMENT_OFFSET_MASK) != 0
                || source == 0
                || source >>> 24 == 127
                || isGroupOrBroadcast(source)
                || isGroupOrBroadcast(destination)) {
            return false;
        }
        if (Ipv4.protocol(frame, ip) != IpProtocol.ICMP_VALUE) {
            return true;
        }
        int headerLength = Ipv4.headerLength(frame, ip);
        if (Ipv4.totalLength(frame, ip) == headerLength) {
            return false;
        }
        int type = Icmp.type(frame, ip + headerLength);
        return type == IcmpType.ECHO_REQUEST_VALUE || type == IcmpType.ECHO_REPLY_VALUE;
    }

    /**
     * An ICMP error about the IPv4 packet in {@code frame}, quoting its IP header and first 8
     * bytes (RFC 792): from {@code sourceMac} and {@code sourceIp} to {@code destinationMac} and
     * the packet's source, TTL 64, with {@link FrameDevice#HEADROOM} in front. The caller sends
     * it and still owns {@code frame}.
     */
    static ByteBuf build(
            ByteBuf frame, long destinationMac, long sourceMac, int sourceIp, int type, int code, int restOfHeader) {
        int ip = frame.readerIndex() + Ethernet.HEADER_LENGTH;
        int icmpLength = Icmp.HEADER_LENGTH + Icmp.errorQuoteLength(frame, ip);
        int ipLength = Ipv4.MIN_HEADER_LENGTH + icmpLength;
        int frameLength = Ethernet.HEADER_LENGTH + ipLength;
        ByteBuf error = frame.alloc().directBuffer(FrameDevice.HEADROOM + frameLength);
        error.writerIndex(FrameDevice.HEADROOM + frameLength).readerIndex(FrameDevice.HEADROOM);
        int at = Ethernet.write(error, FrameDevice.HEADROOM, destinationMac, sourceMac, EtherType.IPV4_VALUE);
        at = Ipv4.write(
                error, at, ipLength, 0, ORIGINATED_TTL, IpProtocol.ICMP_VALUE, sourceIp, Ipv4.source(frame, ip));
        Icmp.writeError(error, at, frame, ip, type, code, restOfHeader);
        return error;
    }

    private static boolean isGroupOrBroadcast(int address) {
        return address >>> 28 == 0xE || address == LIMITED_BROADCAST;
    }

    /** True for an unfragmented unreachable or time-exceeded message quoting an IPv4 header and 8 bytes. */
    static boolean isError(ByteBuf frame, int ip) {
        if (Ipv4.protocol(frame, ip) != IpProtocol.ICMP_VALUE
                || (Ipv4.flagsAndFragment(frame, ip) & Ipv4.FRAGMENT_OFFSET_MASK) != 0) {
            return false;
        }
        int icmp = ip + Ipv4.headerLength(frame, ip);
        int end = ip + Ipv4.totalLength(frame, ip);
        if (end - icmp < Icmp.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + Icmp.QUOTED_PAYLOAD) {
            return false;
        }
        int type = Icmp.type(frame, icmp);
        if (type != IcmpType.DESTINATION_UNREACHABLE_VALUE && type != IcmpType.TIME_EXCEEDED_VALUE) {
            return false;
        }
        int quoted = Icmp.quotedPacket(icmp);
        int quotedHeader = Ipv4.headerLength(frame, quoted);
        return Ipv4.version(frame, quoted) == 4
                && quotedHeader >= Ipv4.MIN_HEADER_LENGTH
                && end - quoted >= quotedHeader + Icmp.QUOTED_PAYLOAD;
    }

    /** The quoted packet's source address (the NAT's public address when it is about our flow). */
    static int quotedSource(ByteBuf frame, int ip) {
        return Ipv4.source(frame, quoted(frame, ip));
    }

    /** The quoted packet's destination: the remote side of the flow. */
    static int quotedDestination(ByteBuf frame, int ip) {
        return Ipv4.destination(frame, quoted(frame, ip));
    }

    /**
     * The connection-table flow key of the quoted (outbound) packet, as the NAT recorded it:
     * (protocol, remote port, local port), or the echo id of a quoted echo request; else {@link #NO_FLOW}.
     */
    static long quotedFlow(ByteBuf frame, int ip) {
        int quoted = quoted(frame, ip);
        int protocol = Ipv4.protocol(frame, quoted);
        int l4 = quoted + Ipv4.headerLength(frame, quoted);
        if ((Ipv4.flagsAndFragment(frame, quoted) & Ipv4.FRAGMENT_OFFSET_MASK) != 0) {
            return NO_FLOW;
        }
        return switch (protocol) {
            case IpProtocol.TCP_VALUE, IpProtocol.UDP_VALUE ->
                ConnectionTable.flow(protocol, frame.getUnsignedShort(l4 + 2), frame.getUnsignedShort(l4));
            case IpProtocol.ICMP_VALUE ->
                Icmp.type(frame, l4) == IcmpType.ECHO_REQUEST_VALUE
                        ? ConnectionTable.flow(protocol, 0, Icmp.identifier(frame, l4))
                        : NO_FLOW;
            default -> NO_FLOW;
        };
    }

    /**
     * Translates the quoted packet's source to {@code address}: its header checksum, a quoted UDP
     * checksum (its pseudo-header covers the address) and the ICMP checksum over the whole message.
     */
    static void rewriteQuotedSource(ByteBuf frame, int ip, int address) {
        int quoted = quoted(frame, ip);
        int old = Ipv4.source(frame, quoted);
        frame.setInt(quoted + 12, address);
        frame.setShort(quoted + 10, Checksums.update32(Ipv4.checksum(frame, quoted), old, address));
        int l4 = quoted + Ipv4.headerLength(frame, quoted);
        if (Ipv4.protocol(frame, quoted) == IpProtocol.UDP_VALUE
                && frame.getUnsignedShort(l4 + Udp.CHECKSUM_OFFSET) != 0) {
            int checksum = Checksums.update32(frame.getUnsignedShort(l4 + Udp.CHECKSUM_OFFSET), old, address);
            frame.setShort(l4 + Udp.CHECKSUM_OFFSET, checksum == 0 ? 0xFFFF : checksum);
        }
        int icmp = ip + Ipv4.headerLength(frame, ip);
        Icmp.updateChecksum(frame, icmp, ip + Ipv4.totalLength(frame, ip) - icmp);
    }

    private static int quoted(ByteBuf frame, int ip) {
        return Icmp.quotedPacket(ip + Ipv4.headerLength(frame, ip));
    }
}
