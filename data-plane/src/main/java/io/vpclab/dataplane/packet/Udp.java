package io.vpclab.dataplane.packet;

import io.netty.buffer.ByteBuf;

/** UDP header view (RFC 768). */
public final class Udp {

    /** source port 2 + destination port 2 + length 2 + checksum 2. */
    public static final int HEADER_LENGTH = 8;
    /** Where the checksum field lies in the header (csum_offset of a partial UDP checksum). */
    public static final int CHECKSUM_OFFSET = 6;

    private static final String NAME = "UDP";

    private Udp() {}

    public static void check(ByteBuf buf, int offset) {
        Packets.require(buf, offset, HEADER_LENGTH, NAME);
        int length = length(buf, offset);
        if (length < HEADER_LENGTH) {
            throw PacketFormatException.invalid(NAME, "length " + length + " below 8");
        }
        Packets.require(buf, offset, length, NAME);
    }

    public static int sourcePort(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset);
    }

    public static int destinationPort(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 2);
    }

    public static int length(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 4);
    }

    public static int checksum(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 6);
    }

    /** Writes the header; checksum 0 ("not computed", allowed over IPv4 by RFC 768) until {@link #updateChecksum}. */
    public static int write(ByteBuf buf, int offset, int sourcePort, int destinationPort, int length) {
        buf.setShort(offset, sourcePort);
        buf.setShort(offset + 2, destinationPort);
        buf.setShort(offset + 4, length);
        buf.setShort(offset + 6, 0);
        return offset + HEADER_LENGTH;
    }

    /** Computes the checksum with the IPv4 pseudo-header; a computed 0 is sent as 0xFFFF (RFC 768). */
    public static void updateChecksum(ByteBuf buf, int offset, int source, int destination) {
        int length = length(buf, offset);
        buf.setShort(offset + 6, 0);
        int checksum = Packets.fold(Packets.sum(
                buf, offset, length, Packets.pseudoHeaderSum(source, destination, IpProtocol.UDP_VALUE, length)));
        buf.setShort(offset + 6, checksum == 0 ? 0xFFFF : checksum);
    }

    /** True when the checksum is absent (0) or correct. */
    public static boolean verifyChecksum(ByteBuf buf, int offset, int source, int destination) {
        if (checksum(buf, offset) == 0) {
            return true;
        }
        int length = length(buf, offset);
        return Packets.fold(Packets.sum(
                        buf,
                        offset,
                        length,
                        Packets.pseudoHeaderSum(source, destination, IpProtocol.UDP_VALUE, length)))
                == 0;
    }
}
