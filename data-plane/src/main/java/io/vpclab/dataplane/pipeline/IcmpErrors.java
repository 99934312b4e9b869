package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Packets;

/**
 * ICMP errors (destination unreachable, time exceeded) about a NATed flow: the message quotes the
 * packet as it left the NAT (RFC 792: IPv4 header + 8 bytes), so the quoted packet names the
 * flow in the connection table, and on the way in its source must be translated back as well as
 * the outer destination (RFC 5508 s7), or the instance would not recognise its own packet.
 * Offsets here are relative to the outer IPv4 header; nothing is allocated.
 */
final class IcmpErrors {

    /** Returned by {@link #quotedFlow} when the quoted packet names no flow. */
    static final long NO_FLOW = -1L;

    private static final int UDP_CHECKSUM = 6;

    private IcmpErrors() {
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
        return Ipv4.version(frame, quoted) == 4 && quotedHeader >= Ipv4.MIN_HEADER_LENGTH
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
            case IpProtocol.ICMP_VALUE -> Icmp.type(frame, l4) == IcmpType.ECHO_REQUEST_VALUE
                ? ConnectionTable.flow(protocol, 0, Icmp.identifier(frame, l4)) : NO_FLOW;
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
        frame.setShort(quoted + 10, adjust(Ipv4.checksum(frame, quoted), old, address));
        int l4 = quoted + Ipv4.headerLength(frame, quoted);
        if (Ipv4.protocol(frame, quoted) == IpProtocol.UDP_VALUE && frame.getUnsignedShort(l4 + UDP_CHECKSUM) != 0) {
            int checksum = adjust(frame.getUnsignedShort(l4 + UDP_CHECKSUM), old, address);
            frame.setShort(l4 + UDP_CHECKSUM, checksum == 0 ? 0xFFFF : checksum);
        }
        int icmp = ip + Ipv4.headerLength(frame, ip);
        Icmp.updateChecksum(frame, icmp, ip + Ipv4.totalLength(frame, ip) - icmp);
    }

    private static int quoted(ByteBuf frame, int ip) {
        return Icmp.quotedPacket(ip + Ipv4.headerLength(frame, ip));
    }

    private static int adjust(int checksum, int oldAddress, int newAddress) {
        int high = Packets.adjustChecksum(checksum, oldAddress >>> 16, newAddress >>> 16);
        return Packets.adjustChecksum(high, oldAddress & 0xFFFF, newAddress & 0xFFFF);
    }
}
