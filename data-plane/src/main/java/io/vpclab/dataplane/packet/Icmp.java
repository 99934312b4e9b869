package io.vpclab.dataplane.packet;

import io.netty.buffer.ByteBuf;

/** ICMP view (RFC 792): echo, time exceeded, destination unreachable. */
public final class Icmp {

    /** type 1 + code 1 + checksum 2 + rest-of-header 4 (identifier/sequence for echo). */
    public static final int HEADER_LENGTH = 8;
    /** Time-exceeded and unreachable quote the IP header plus 8 bytes (RFC 792); Linux quotes more, we follow RFC 792. */
    public static final int QUOTED_PAYLOAD = 8;
    /** Code 0 of time exceeded: TTL exceeded in transit. */
    public static final int CODE_TTL_EXCEEDED = 0;
    /** Code 3 of destination unreachable: port unreachable (UDP traceroute ends with it). */
    public static final int CODE_PORT_UNREACHABLE = 3;
    /** Code 4 of destination unreachable: fragmentation needed and DF set; the next-hop MTU is in the low 16 bits of the rest of header (RFC 1191 s4). */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;

    private static final String NAME = "ICMP";

    private Icmp() {}

    public static void check(ByteBuf buf, int offset, int length) {
        if (length < HEADER_LENGTH) {
            throw PacketFormatException.truncated(NAME, offset, HEADER_LENGTH, length);
        }
        Packets.require(buf, offset, length, NAME);
    }

    public static int type(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset);
    }

    public static int code(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset + 1);
    }

    public static int checksum(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 2);
    }

    public static int identifier(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 4);
    }

    public static int sequence(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 6);
    }

    /** Offset of the quoted IP header inside a time-exceeded or unreachable message. */
    public static int quotedPacket(int offset) {
        return offset + HEADER_LENGTH;
    }

    /** Bytes an error about the IPv4 packet at {@code ip} quotes: its header and {@link #QUOTED_PAYLOAD} bytes (RFC 792). */
    public static int errorQuoteLength(ByteBuf packet, int ip) {
        return Math.min(Ipv4.totalLength(packet, ip), Ipv4.headerLength(packet, ip) + QUOTED_PAYLOAD);
    }

    /**
     * Writes at {@code offset} the ICMP error (unreachable, time exceeded) quoting the IPv4 packet
     * at {@code ip} of {@code packet}: {@link #HEADER_LENGTH} + {@link #errorQuoteLength} bytes.
     * The one way the router, the NAT gateway, the inner MTU check and a simulated host build one.
     */
    public static void writeError(
            ByteBuf buf, int offset, ByteBuf packet, int ip, int type, int code, int restOfHeader) {
        int quoted = errorQuoteLength(packet, ip);
        buf.setBytes(offset + HEADER_LENGTH, packet, ip, quoted);
        write(buf, offset, HEADER_LENGTH + quoted, type, code, restOfHeader);
    }

    /** Writes type, code, the 4-byte rest of header, and the checksum over {@code length} bytes of message. */
    public static void write(ByteBuf buf, int offset, int length, int type, int code, int restOfHeader) {
        buf.setByte(offset, type);
        buf.setByte(offset + 1, code);
        buf.setShort(offset + 2, 0);
        buf.setInt(offset + 4, restOfHeader);
        updateChecksum(buf, offset, length);
    }

    public static void updateChecksum(ByteBuf buf, int offset, int length) {
        buf.setShort(offset + 2, 0);
        buf.setShort(offset + 2, Packets.fold(Packets.sum(buf, offset, length, 0)));
    }

    public static boolean verifyChecksum(ByteBuf buf, int offset, int length) {
        return Packets.fold(Packets.sum(buf, offset, length, 0)) == 0;
    }
}
