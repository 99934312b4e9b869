package io.vpclab.dataplane.packet;

import io.netty.buffer.ByteBuf;

/** TCP header view (RFC 9293 s3.1). */
public final class Tcp {

    /** Header without options: data offset 5. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Where the checksum field lies in the header (csum_offset of a partial TCP checksum). */
    public static final int CHECKSUM_OFFSET = 16;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private static final String NAME = "TCP";

    private Tcp() {}

    /** Checks a TCP segment of {@code length} bytes (from the IP total length); returns the header length. */
    public static int check(ByteBuf buf, int offset, int length) {
        if (length < MIN_HEADER_LENGTH) {
            throw PacketFormatException.truncated(NAME, offset, MIN_HEADER_LENGTH, length);
        }
        Packets.require(buf, offset, length, NAME);
        int headerLength = headerLength(buf, offset);
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length) {
            throw PacketFormatException.invalid(NAME, "data offset " + headerLength + " outside 20.." + length);
        }
        return headerLength;
    }

    public static int sourcePort(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset);
    }

    public static int destinationPort(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 2);
    }

    public static long sequence(ByteBuf buf, int offset) {
        return buf.getUnsignedInt(offset + 4);
    }

    public static long acknowledgment(ByteBuf buf, int offset) {
        return buf.getUnsignedInt(offset + 8);
    }

    public static int headerLength(ByteBuf buf, int offset) {
        return (buf.getUnsignedByte(offset + 12) >>> 4) * 4;
    }

    public static int flags(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset + 13);
    }

    public static int window(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 14);
    }

    public static int checksum(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 16);
    }

    /** Writes a 20-byte header without options; the checksum is filled by {@link #updateChecksum}. */
    public static int write(
            ByteBuf buf,
            int offset,
            int sourcePort,
            int destinationPort,
            long sequence,
            long acknowledgment,
            int flags,
            int window) {
        buf.setShort(offset, sourcePort);
        buf.setShort(offset + 2, destinationPort);
        buf.setInt(offset + 4, (int) sequence);
        buf.setInt(offset + 8, (int) acknowledgment);
        buf.setByte(offset + 12, (MIN_HEADER_LENGTH / 4) << 4);
        buf.setByte(offset + 13, flags);
        buf.setShort(offset + 14, window);
        buf.setShort(offset + 16, 0);
        buf.setShort(offset + 18, 0);
        return offset + MIN_HEADER_LENGTH;
    }

    /** Checksum over the pseudo-header and {@code length} bytes of segment (RFC 9293 s3.1). */
    public static void updateChecksum(ByteBuf buf, int offset, int length, int source, int destination) {
        buf.setShort(offset + 16, 0);
        buf.setShort(
                offset + 16,
                Packets.fold(Packets.sum(
                        buf,
                        offset,
                        length,
                        Packets.pseudoHeaderSum(source, destination, IpProtocol.TCP_VALUE, length))));
    }

    public static boolean verifyChecksum(ByteBuf buf, int offset, int length, int source, int destination) {
        return Packets.fold(Packets.sum(
                        buf,
                        offset,
                        length,
                        Packets.pseudoHeaderSum(source, destination, IpProtocol.TCP_VALUE, length)))
                == 0;
    }
}
