package io.vpclab.dataplane.packet;

import io.netty.buffer.ByteBuf;
import io.vpclab.net.VxlanSpec;

/** VXLAN header view (RFC 7348 s5): flags 8 bits, reserved 24, VNI 24, reserved 8. */
public final class Vxlan {

    /** IANA-assigned VXLAN UDP destination port (RFC 7348 s5, "Outer UDP Header"). */
    public static final int PORT = VxlanSpec.UDP_PORT;
    /** The VXLAN header is 8 bytes (RFC 7348 s5, "VXLAN Header"). */
    public static final int HEADER_LENGTH = VxlanSpec.HEADER_LENGTH;
    /** The I flag: "MUST be set to 1 for a valid VXLAN Network ID" (RFC 7348 s5). */
    public static final int FLAG_I = 0x08;
    /** Outer bytes over IPv4 counted against the underlay MTU: inner Ethernet 14 + VXLAN 8 + UDP 8 + IPv4 20 (RFC 7348 s4.3). */
    public static final int OVERHEAD =
            Ethernet.HEADER_LENGTH + HEADER_LENGTH + Udp.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH;
    /** Smallest datagram worth decapsulating: the header plus an inner Ethernet header. */
    public static final int MIN_DATAGRAM_LENGTH = HEADER_LENGTH + Ethernet.HEADER_LENGTH;
    /** Source ports come from the dynamic range 49152..65535 "to enhance entropy" (RFC 7348 s5, "Source Port"). */
    public static final int SOURCE_PORT_MIN = 49152;

    public static final int SOURCE_PORT_RANGE = 65536 - SOURCE_PORT_MIN;

    private static final String NAME = "VXLAN";

    private Vxlan() {}

    public static void check(ByteBuf buf, int offset) {
        Packets.require(buf, offset, HEADER_LENGTH, NAME);
    }

    public static int flags(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset);
    }

    public static boolean hasVni(ByteBuf buf, int offset) {
        return (flags(buf, offset) & FLAG_I) != 0;
    }

    /** The 24-bit VNI, unsigned: 0x800000 and up stay positive. */
    public static int vni(ByteBuf buf, int offset) {
        return buf.getUnsignedMedium(offset + 4);
    }

    /**
     * The whole 8-byte header in one read, for the per-datagram path; decode with
     * {@link #hasVniOf} and {@link #vniOf}.
     */
    public static long header(ByteBuf buf, int offset) {
        return buf.getLong(offset);
    }

    public static boolean hasVniOf(long header) {
        return (header >>> 56 & FLAG_I) != 0;
    }

    /** The 24-bit VNI of a {@link #header}, unsigned. */
    public static int vniOf(long header) {
        return (int) (header >>> 8) & 0xFF_FFFF;
    }

    /** Writes the header with the I flag and reserved fields zero (RFC 7348 s5). */
    public static void write(ByteBuf buf, int offset, int vni) {
        buf.setInt(offset, FLAG_I << 24);
        buf.setInt(offset + 4, vni << 8);
    }

    /** Maps a flow hash into 49152..65535 (RFC 7348 s5). */
    public static int sourcePort(int flowHash) {
        int mixed = flowHash ^ (flowHash >>> 16);
        return SOURCE_PORT_MIN + ((mixed & 0x7FFF_FFFF) % SOURCE_PORT_RANGE);
    }
}
