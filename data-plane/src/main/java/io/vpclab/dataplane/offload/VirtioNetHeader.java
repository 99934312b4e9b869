package io.vpclab.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.Tcp;
import io.vpclab.dataplane.packet.Udp;

/**
 * The virtio-net header a TAP opened with {@code IFF_VNET_HDR} puts in front of every frame, in
 * both directions (virtio spec 1.x s5.1.6 "Device Operation", {@code struct virtio_net_hdr} in
 * linux/virtio_net.h):
 *
 * <pre>
 *  0 flags        u8   NEEDS_CSUM 1, DATA_VALID 2
 *  1 gso_type     u8   NONE 0, TCPV4 1, UDP 3, TCPV6 4, UDP_L4 5, | ECN 0x80
 *  2 hdr_len      le16 bytes of headers (Ethernet + IP + L4) the device copies into every segment
 *  4 gso_size     le16 payload bytes per segment (the MSS)
 *  6 csum_start   le16 where checksumming starts, from the start of the frame
 *  8 csum_offset  le16 where the result goes, from csum_start (16 for TCP, 6 for UDP)
 * 10 num_buffers  le16 only in the 12-byte form (v1 / mergeable rx buffers; TUNSETVNETHDRSZ 12)
 * </pre>
 *
 * <p>Byte order: little-endian. A virtio 1.x header is always little-endian (spec s5.1.6); tun
 * reads and writes it little-endian when {@code TUNSETVNETLE} is set, and otherwise in the
 * host's order as a legacy device does ({@code tun_is_little_endian}: {@code TUN_VNET_LE ||
 * virtio_legacy_is_little_endian()}). On x86 and arm64 both are little-endian, so the kernel's
 * default already matches these accessors; on a big-endian host the TAP must be put in
 * {@code TUNSETVNETLE} mode for them to be right.
 *
 * <p>Like the views in {@code io.vpclab.dataplane.packet}: static accessors at an absolute offset,
 * no object per header, indexes never moved. Getters assume the header fits ({@link #check}).
 */
public final class VirtioNetHeader {

    /** {@code struct virtio_net_hdr}: the legacy 10-byte form (the TAP default). */
    public static final int LENGTH = 10;
    /** {@code struct virtio_net_hdr_v1}: 12 bytes with num_buffers (TUNSETVNETHDRSZ 12). */
    public static final int LENGTH_V1 = 12;

    /** Checksum starts at csum_start and goes to csum_start + csum_offset; the field holds the pseudo-header sum. */
    public static final int F_NEEDS_CSUM = 1;
    /** The checksum was verified (device to driver only: the receiver may skip verifying it). */
    public static final int F_DATA_VALID = 2;

    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    /** UDP fragmentation offload (UFO), deprecated by Linux. */
    public static final int GSO_UDP = 3;

    public static final int GSO_TCPV6 = 4;
    /** UDP segmentation offload (USO, TUN_F_USO4/6): each segment a UDP datagram of its own. */
    public static final int GSO_UDP_L4 = 5;
    /** Flag on gso_type: the burst has CWR set, so only the first segment may carry it. */
    public static final int GSO_ECN = 0x80;

    /** csum_offset of the TCP checksum field (RFC 9293 s3.1). */
    public static final int TCP_CSUM_OFFSET = Tcp.CHECKSUM_OFFSET;
    /** csum_offset of the UDP checksum field (RFC 768). */
    public static final int UDP_CSUM_OFFSET = Udp.CHECKSUM_OFFSET;

    private VirtioNetHeader() {}

    /** Throws unless {@code length} is 10 or 12: a configuration error, not bad input. */
    public static int checkLength(int length) {
        if (length != LENGTH && length != LENGTH_V1) {
            throw new IllegalArgumentException("virtio-net header length must be 10 or 12: " + length);
        }
        return length;
    }

    /** True when a header of {@code length} bytes lies at {@code offset} before the writer index. */
    public static boolean fits(ByteBuf buf, int offset, int length) {
        return offset >= 0 && offset <= buf.writerIndex() - length;
    }

    public static int flags(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset);
    }

    public static boolean needsChecksum(ByteBuf buf, int offset) {
        return (flags(buf, offset) & F_NEEDS_CSUM) != 0;
    }

    public static boolean dataValid(ByteBuf buf, int offset) {
        return (flags(buf, offset) & F_DATA_VALID) != 0;
    }

    /** The raw gso_type byte, including {@link #GSO_ECN}. */
    public static int gsoType(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset + 1);
    }

    /** The gso_type without the {@link #GSO_ECN} flag. */
    public static int gsoProtocol(ByteBuf buf, int offset) {
        return gsoType(buf, offset) & ~GSO_ECN;
    }

    public static int hdrLen(ByteBuf buf, int offset) {
        return buf.getUnsignedShortLE(offset + 2);
    }

    public static int gsoSize(ByteBuf buf, int offset) {
        return buf.getUnsignedShortLE(offset + 4);
    }

    public static int csumStart(ByteBuf buf, int offset) {
        return buf.getUnsignedShortLE(offset + 6);
    }

    public static int csumOffset(ByteBuf buf, int offset) {
        return buf.getUnsignedShortLE(offset + 8);
    }

    /** Only in the 12-byte form. */
    public static int numBuffers(ByteBuf buf, int offset) {
        return buf.getUnsignedShortLE(offset + 10);
    }

    /**
     * Writes a whole header of {@code length} (10 or 12) bytes; num_buffers, when present, is 0
     * (meaningful only for mergeable receive buffers of a real virtio device).
     */
    public static void write(
            ByteBuf buf,
            int offset,
            int length,
            int flags,
            int gsoType,
            int hdrLen,
            int gsoSize,
            int csumStart,
            int csumOffset) {
        buf.setByte(offset, flags);
        buf.setByte(offset + 1, gsoType);
        buf.setShortLE(offset + 2, hdrLen);
        buf.setShortLE(offset + 4, gsoSize);
        buf.setShortLE(offset + 6, csumStart);
        buf.setShortLE(offset + 8, csumOffset);
        if (length == LENGTH_V1) {
            buf.setShortLE(offset + 10, 0);
        }
    }

    /** Writes a header that asks nothing: no GSO, no checksum work, nothing claimed verified. */
    public static void writeNone(ByteBuf buf, int offset, int length) {
        write(buf, offset, length, 0, GSO_NONE, 0, 0, 0, 0);
    }

    /** A short description for logs and test failures. */
    public static String describe(ByteBuf buf, int offset) {
        return "virtio_net_hdr{flags=" + flags(buf, offset) + ", gso_type=" + gsoType(buf, offset)
                + ", hdr_len=" + hdrLen(buf, offset) + ", gso_size=" + gsoSize(buf, offset)
                + ", csum_start=" + csumStart(buf, offset) + ", csum_offset=" + csumOffset(buf, offset) + "}";
    }
}
