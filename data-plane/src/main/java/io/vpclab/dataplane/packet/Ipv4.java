package io.vpclab.dataplane.packet;

import io.netty.buffer.ByteBuf;

/** IPv4 header view (RFC 791 s3.1). */
public final class Ipv4 {

    /** Header without options: IHL 5 (RFC 791 s3.1). */
    public static final int MIN_HEADER_LENGTH = 20;
    /** IHL is 4 bits of 32-bit words: at most 15 x 4 bytes. */
    public static final int MAX_HEADER_LENGTH = 60;
    /** More-fragments flag in the flags/fragment-offset word. */
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    /** Don't-fragment flag. */
    public static final int FLAG_DONT_FRAGMENT = 0x4000;

    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    /** Where the source and destination addresses lie in the header. */
    public static final int SOURCE_OFFSET = 12;

    public static final int DESTINATION_OFFSET = 16;

    private static final String NAME = "IPv4";

    private Ipv4() {}

    /**
     * Bytes 0..7 of the header (version and IHL, DSCP/ECN, total length, identification, flags
     * and fragment offset) in one read, for a stage that needs several of them for every packet;
     * decode with {@link #headerLengthOf}, {@link #totalLengthOf} and {@link #flagsAndFragmentOf}.
     */
    public static long firstWords(ByteBuf buf, int offset) {
        return buf.getLong(offset);
    }

    public static int headerLengthOf(long firstWords) {
        return (int) (firstWords >>> 56 & 0x0F) * 4;
    }

    public static int totalLengthOf(long firstWords) {
        return (int) (firstWords >>> 32) & 0xFFFF;
    }

    public static int flagsAndFragmentOf(long firstWords) {
        return (int) firstWords & 0xFFFF;
    }

    /**
     * Bytes 8..15 of the header (TTL, protocol, checksum, source address) in one read; decode with
     * {@link #protocolOf} and {@link #sourceOf}.
     */
    public static long middleWords(ByteBuf buf, int offset) {
        return buf.getLong(offset + 8);
    }

    public static int protocolOf(long middleWords) {
        return (int) (middleWords >>> 48) & 0xFF;
    }

    public static int sourceOf(long middleWords) {
        return (int) middleWords;
    }

    public static int version(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset) >>> 4;
    }

    public static int headerLength(ByteBuf buf, int offset) {
        return (buf.getUnsignedByte(offset) & 0x0F) * 4;
    }

    public static int optionsLength(ByteBuf buf, int offset) {
        return headerLength(buf, offset) - MIN_HEADER_LENGTH;
    }

    public static int totalLength(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 2);
    }

    public static int identification(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 4);
    }

    public static int flagsAndFragment(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 6);
    }

    public static boolean isFragment(ByteBuf buf, int offset) {
        int word = flagsAndFragment(buf, offset);
        return (word & FLAG_MORE_FRAGMENTS) != 0 || (word & FRAGMENT_OFFSET_MASK) != 0;
    }

    public static int ttl(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset + 8);
    }

    public static int protocol(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset + 9);
    }

    public static int checksum(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 10);
    }

    public static int source(ByteBuf buf, int offset) {
        return buf.getInt(offset + 12);
    }

    public static int destination(ByteBuf buf, int offset) {
        return buf.getInt(offset + 16);
    }

    /**
     * True when a well-formed IPv4 header starts at {@code offset}: version 4, IHL >= 5, header
     * and total length within the frame. Allocation free, for the hot path.
     */
    public static boolean isValid(ByteBuf buf, int offset) {
        if (!Packets.fits(buf, offset, MIN_HEADER_LENGTH)) {
            return false;
        }
        int versionAndLength = buf.getInt(offset); // version, IHL, DSCP/ECN, total length in one read
        if (versionAndLength >>> 28 != 4) {
            return false;
        }
        int headerLength = ((versionAndLength >>> 24) & 0x0F) * 4;
        int totalLength = versionAndLength & 0xFFFF;
        return headerLength >= MIN_HEADER_LENGTH
                && totalLength >= headerLength
                && Packets.fits(buf, offset, totalLength);
    }

    /** Like {@link #isValid} but says why; returns the header length. */
    public static int check(ByteBuf buf, int offset) {
        Packets.require(buf, offset, MIN_HEADER_LENGTH, NAME);
        if (version(buf, offset) != 4) {
            throw PacketFormatException.invalid(NAME, "version " + version(buf, offset));
        }
        int headerLength = headerLength(buf, offset);
        if (headerLength < MIN_HEADER_LENGTH) {
            throw PacketFormatException.invalid(NAME, "header length " + headerLength + " below 20");
        }
        int totalLength = totalLength(buf, offset);
        if (totalLength < headerLength) {
            throw PacketFormatException.invalid(
                    NAME, "total length " + totalLength + " below header length " + headerLength);
        }
        Packets.require(buf, offset, totalLength, NAME);
        return headerLength;
    }

    /** The checksum the header at {@code offset} should carry (its own checksum field counted as zero). */
    public static int computeChecksum(ByteBuf buf, int offset) {
        int headerLength = headerLength(buf, offset);
        long sum = Packets.sum(buf, offset, headerLength, 0) - checksum(buf, offset);
        return Packets.fold(sum);
    }

    public static boolean verifyChecksum(ByteBuf buf, int offset) {
        return Packets.fold(Packets.sum(buf, offset, headerLength(buf, offset), 0)) == 0;
    }

    public static void updateChecksum(ByteBuf buf, int offset) {
        buf.setShort(offset + 10, 0);
        buf.setShort(offset + 10, Packets.fold(Packets.sum(buf, offset, headerLength(buf, offset), 0)));
    }

    /** Decrements TTL and patches the checksum incrementally (RFC 1624), as a router does (RFC 1812 s5.3.1). */
    public static void decrementTtl(ByteBuf buf, int offset) {
        int oldWord = buf.getUnsignedShort(offset + 8);
        int newWord = (oldWord - 0x100) & 0xFFFF;
        buf.setShort(offset + 8, newWord);
        buf.setShort(offset + 10, Packets.adjustChecksum(checksum(buf, offset), oldWord, newWord));
    }

    /**
     * Replaces the source ({@link #SOURCE_OFFSET}) or destination ({@link #DESTINATION_OFFSET})
     * address and patches the checksums that cover it: the header's (RFC 1624) and the TCP or UDP
     * checksum, whose pseudo-header holds the address. A complete L4 checksum takes RFC 1624 too;
     * a partial one ({@code partialL4}: the field holds the uncomplemented pseudo-header sum of a
     * {@code NEEDS_CSUM} packet) takes {@link Checksums#updatePseudoHeader32}. A UDP checksum of 0
     * (none, RFC 768) stays 0; later fragments carry no L4 header.
     */
    public static void rewriteAddress(ByteBuf buf, int offset, int field, int address, boolean partialL4) {
        int old = buf.getInt(offset + field);
        buf.setInt(offset + field, address);
        buf.setShort(offset + 10, Checksums.update32(checksum(buf, offset), old, address));
        if ((flagsAndFragment(buf, offset) & FRAGMENT_OFFSET_MASK) != 0) {
            return;
        }
        int l4 = offset + headerLength(buf, offset);
        int available = offset + totalLength(buf, offset) - l4;
        int protocol = protocol(buf, offset);
        int checksumField;
        if (protocol == IpProtocol.TCP_VALUE && available >= Tcp.MIN_HEADER_LENGTH) {
            checksumField = l4 + Tcp.CHECKSUM_OFFSET;
        } else if (protocol == IpProtocol.UDP_VALUE
                && available >= Udp.HEADER_LENGTH
                && buf.getUnsignedShort(l4 + Udp.CHECKSUM_OFFSET) != 0) {
            checksumField = l4 + Udp.CHECKSUM_OFFSET;
        } else {
            return;
        }
        int field16 = buf.getUnsignedShort(checksumField);
        if (partialL4) {
            buf.setShort(checksumField, Checksums.updatePseudoHeader32(field16, old, address));
        } else {
            int updated = Checksums.update32(field16, old, address);
            // RFC 768: a UDP checksum that comes out 0 is sent as all ones
            buf.setShort(checksumField, updated == 0 && protocol == IpProtocol.UDP_VALUE ? 0xFFFF : updated);
        }
    }

    /**
     * Whether the packet's TCP or UDP checksum is partial, as a sender with checksum offload leaves
     * it ({@code NEEDS_CSUM}: the field holds the folded pseudo-header sum, not complemented), so a
     * rewrite takes {@code partialL4} in {@link #rewriteAddress}. The field is compared with the
     * pseudo-header sum first; only on a match (always for a partial checksum, once in 65536 for a
     * complete one) is the segment summed to tell the two apart. A fragment, a UDP checksum of 0
     * and a truncated packet are not partial.
     */
    public static boolean hasPartialL4Checksum(ByteBuf buf, int offset) {
        int protocol = protocol(buf, offset);
        int l4 = offset + headerLength(buf, offset);
        int l4Length = offset + totalLength(buf, offset) - l4;
        int checksumField;
        if (protocol == IpProtocol.TCP_VALUE && l4Length >= Tcp.MIN_HEADER_LENGTH) {
            checksumField = l4 + Tcp.CHECKSUM_OFFSET;
        } else if (protocol == IpProtocol.UDP_VALUE && l4Length >= Udp.HEADER_LENGTH) {
            checksumField = l4 + Udp.CHECKSUM_OFFSET;
        } else {
            return false;
        }
        if (isFragment(buf, offset) || l4 + l4Length > buf.writerIndex()) {
            return false;
        }
        int field = buf.getUnsignedShort(checksumField);
        long pseudoHeader =
                Checksums.pseudoHeaderSum(source(buf, offset), destination(buf, offset), protocol, l4Length);
        return field != 0
                && field == Checksums.fold(pseudoHeader)
                && !Checksums.verifies(Checksums.sum(buf, l4, l4Length, pseudoHeader));
    }

    /** Writes a 20-byte header (no options, DF clear) with a correct checksum; returns the payload offset. */
    public static int write(
            ByteBuf buf,
            int offset,
            int totalLength,
            int identification,
            int ttl,
            int protocol,
            int source,
            int destination) {
        buf.setByte(offset, 0x45);
        buf.setByte(offset + 1, 0);
        buf.setShort(offset + 2, totalLength);
        buf.setShort(offset + 4, identification);
        buf.setShort(offset + 6, 0);
        buf.setByte(offset + 8, ttl);
        buf.setByte(offset + 9, protocol);
        buf.setInt(offset + 12, source);
        buf.setInt(offset + 16, destination);
        updateChecksum(buf, offset);
        return offset + MIN_HEADER_LENGTH;
    }
}
