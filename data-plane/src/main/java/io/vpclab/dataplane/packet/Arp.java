package io.vpclab.dataplane.packet;

import io.netty.buffer.ByteBuf;

/** ARP for Ethernet and IPv4 (RFC 826): the only kind the data plane answers or forwards. */
public final class Arp {

    /** htype 2 + ptype 2 + hlen 1 + plen 1 + oper 2 + sha 6 + spa 4 + tha 6 + tpa 4. */
    public static final int LENGTH = 28;
    /** ARP hardware type Ethernet (RFC 826, IANA ARP parameters). */
    public static final int HTYPE_ETHERNET = 1;

    private static final String NAME = "ARP";

    private Arp() {}

    /** Checks the ARP body is complete and is Ethernet/IPv4; throws {@link PacketFormatException}. */
    public static void check(ByteBuf buf, int offset) {
        Packets.require(buf, offset, LENGTH, NAME);
        if (buf.getUnsignedShort(offset) != HTYPE_ETHERNET
                || buf.getUnsignedShort(offset + 2) != EtherType.IPV4_VALUE
                || buf.getUnsignedByte(offset + 4) != 6
                || buf.getUnsignedByte(offset + 5) != 4) {
            throw PacketFormatException.invalid(NAME, "not Ethernet/IPv4");
        }
    }

    /** Allocation-free form of {@link #check} for the hot path. */
    public static boolean isEthernetIpv4(ByteBuf buf, int offset) {
        return Packets.fits(buf, offset, LENGTH)
                && buf.getUnsignedShort(offset) == HTYPE_ETHERNET
                && buf.getUnsignedShort(offset + 2) == EtherType.IPV4_VALUE
                && buf.getUnsignedByte(offset + 4) == 6
                && buf.getUnsignedByte(offset + 5) == 4;
    }

    public static int operation(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 6);
    }

    public static long senderMac(ByteBuf buf, int offset) {
        return Ethernet.mac(buf, offset + 8);
    }

    public static int senderIp(ByteBuf buf, int offset) {
        return buf.getInt(offset + 14);
    }

    public static long targetMac(ByteBuf buf, int offset) {
        return Ethernet.mac(buf, offset + 18);
    }

    public static int targetIp(ByteBuf buf, int offset) {
        return buf.getInt(offset + 24);
    }

    /** Writes a complete Ethernet/IPv4 ARP body at {@code offset}. */
    public static void write(
            ByteBuf buf,
            int offset,
            ArpOperation operation,
            long senderMac,
            int senderIp,
            long targetMac,
            int targetIp) {
        buf.setShort(offset, HTYPE_ETHERNET);
        buf.setShort(offset + 2, EtherType.IPV4_VALUE);
        buf.setByte(offset + 4, 6);
        buf.setByte(offset + 5, 4);
        buf.setShort(offset + 6, operation.value());
        Ethernet.setMac(buf, offset + 8, senderMac);
        buf.setInt(offset + 14, senderIp);
        Ethernet.setMac(buf, offset + 18, targetMac);
        buf.setInt(offset + 24, targetIp);
    }

    /**
     * Turns the request at {@code offset} into the reply "{@code ip} is at {@code mac}" in place:
     * the requester becomes the target (RFC 826 "swap fields" step).
     */
    public static void toReply(ByteBuf buf, int offset, long mac, int ip) {
        long requesterMac = senderMac(buf, offset);
        int requesterIp = senderIp(buf, offset);
        buf.setShort(offset + 6, ArpOperation.REPLY_VALUE);
        Ethernet.setMac(buf, offset + 8, mac);
        buf.setInt(offset + 14, ip);
        Ethernet.setMac(buf, offset + 18, requesterMac);
        buf.setInt(offset + 24, requesterIp);
    }
}
