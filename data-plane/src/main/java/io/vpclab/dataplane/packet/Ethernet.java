package io.vpclab.dataplane.packet;

import io.netty.buffer.ByteBuf;
import io.vpclab.net.VlanSpec;

/** Ethernet II header view, optionally with one IEEE 802.1Q tag. */
public final class Ethernet {

    /** Destination 6 + source 6 + EtherType 2 (IEEE 802.3 s3.1.1; no FCS: NICs and TAP strip it). */
    public static final int HEADER_LENGTH = 14;
    /** TPID 2 + TCI 2 (IEEE 802.1Q s9.6). */
    public static final int VLAN_TAG_LENGTH = 4;
    /** 802.1Q VID: 12 bits, 0 and 4095 reserved (IEEE 802.1Q table 9-2). */
    public static final int VLAN_ID_MASK = 0x0FFF;

    private static final String NAME = "Ethernet";

    private Ethernet() {}

    public static long destination(ByteBuf buf, int offset) {
        return mac(buf, offset);
    }

    public static long source(ByteBuf buf, int offset) {
        return mac(buf, offset + 6);
    }

    /**
     * The source MAC and the outer EtherType (bytes 6..13) in one read, for a stage that needs
     * both for every frame; decode with {@link #sourceOf} and {@link #etherTypeOf}.
     */
    public static long sourceAndType(ByteBuf buf, int offset) {
        return buf.getLong(offset + 6);
    }

    public static long sourceOf(long sourceAndType) {
        return sourceAndType >>> 16;
    }

    public static int etherTypeOf(long sourceAndType) {
        return (int) sourceAndType & 0xFFFF;
    }

    /** Whether the destination is a group (multicast or broadcast) address: the I/G bit, in one byte read. */
    public static boolean isGroupDestination(ByteBuf buf, int offset) {
        return (buf.getByte(offset) & 1) != 0;
    }

    /** The outer EtherType: {@link EtherType#VLAN_VALUE} when tagged. */
    public static int etherType(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 12);
    }

    public static boolean isTagged(ByteBuf buf, int offset) {
        return etherType(buf, offset) == EtherType.VLAN_VALUE;
    }

    /** The VLAN ID of a tagged frame. */
    public static int vlanId(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 14) & VLAN_ID_MASK;
    }

    /** The EtherType of the payload, after the tag if there is one. Call after {@link #headerLength}. */
    public static int payloadType(ByteBuf buf, int offset) {
        return isTagged(buf, offset) ? buf.getUnsignedShort(offset + 16) : etherType(buf, offset);
    }

    /** 14, or 18 when tagged; throws {@link PacketFormatException} when the frame is shorter. */
    public static int headerLength(ByteBuf buf, int offset) {
        Packets.require(buf, offset, HEADER_LENGTH, NAME);
        if (isTagged(buf, offset)) {
            Packets.require(buf, offset, HEADER_LENGTH + VLAN_TAG_LENGTH, NAME + " 802.1Q");
            return HEADER_LENGTH + VLAN_TAG_LENGTH;
        }
        return HEADER_LENGTH;
    }

    /**
     * The 48-bit MAC at {@code offset}, read as one 8-byte load (one bounds check instead of two):
     * the caller guarantees 8 readable bytes there, which every MAC field of an Ethernet or ARP
     * header has (destination and source are followed by at least 2 more header bytes).
     */
    public static long mac(ByteBuf buf, int offset) {
        return buf.getLong(offset) >>> 16;
    }

    public static void setMac(ByteBuf buf, int offset, long mac) {
        buf.setShort(offset, (int) (mac >>> 32));
        buf.setInt(offset + 2, (int) mac);
    }

    public static void setDestination(ByteBuf buf, int offset, long mac) {
        setMac(buf, offset, mac);
    }

    public static void setSource(ByteBuf buf, int offset, long mac) {
        setMac(buf, offset + 6, mac);
    }

    /** Writes an untagged header at {@code offset}; returns the payload offset. */
    public static int write(ByteBuf buf, int offset, long destination, long source, int etherType) {
        setMac(buf, offset, destination);
        setMac(buf, offset + 6, source);
        buf.setShort(offset + 12, etherType);
        return offset + HEADER_LENGTH;
    }

    /** Writes a header with an 802.1Q tag (priority 0); returns the payload offset. */
    public static int writeTagged(ByteBuf buf, int offset, long destination, long source, int vlanId, int etherType) {
        if (!VlanSpec.isValidId(vlanId)) {
            throw new IllegalArgumentException("VLAN ID must be " + VlanSpec.RANGE + ": " + vlanId);
        }
        setMac(buf, offset, destination);
        setMac(buf, offset + 6, source);
        buf.setShort(offset + 12, EtherType.VLAN_VALUE);
        buf.setShort(offset + 14, vlanId);
        buf.setShort(offset + 16, etherType);
        return offset + HEADER_LENGTH + VLAN_TAG_LENGTH;
    }
}
