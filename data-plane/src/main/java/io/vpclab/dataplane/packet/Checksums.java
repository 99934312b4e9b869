package io.vpclab.dataplane.packet;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.internal.PlatformDependent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071), the one implementation of the data plane: sums read eight
 * bytes at a time, pseudo-header sums (RFC 9293 s3.1, RFC 768), incremental updates of complete
 * checksums (RFC 1624) and of partial ones, and the completion of a partial checksum as a NIC
 * does for {@code VIRTIO_NET_HDR_F_NEEDS_CSUM} (virtio spec 1.x s5.1.6.2).
 *
 * <p>Sums are returned unfolded in a {@code long} so ranges can be chained: pass one call's result
 * as the next call's {@code initial}. A chained range must start an even number of bytes after the
 * first one (RFC 1071 s2 (B): byte order independence holds per 16-bit word, not per byte).
 */
public final class Checksums {

    private static final VarHandle BIG_ENDIAN_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private Checksums() {}

    /**
     * Adds the bytes {@code [offset, offset + length)} as big-endian 16-bit words to {@code initial}
     * (an odd last byte is padded with zero, RFC 1071 s4.1). Reads 64 bits at a time and adds both
     * 32-bit halves to 64-bit accumulators, so carries are never lost: 64 KiB add at most 2^46.
     *
     * <p>This is the hot loop of both codecs (every byte of a burst is summed once), so after one
     * check of the whole range it reads direct memory and heap arrays without {@link ByteBuf}'s
     * per-access checks, into two accumulators that the CPU adds in parallel: half the time of a
     * {@code getLong} loop on a 64 KB burst (OffloadCodecBenchmark). Other buffers use {@code getLong}.
     *
     * @throws IndexOutOfBoundsException when the range is outside the buffer's capacity
     * @throws IllegalReferenceCountException when the buffer was released
     */
    public static long sum(ByteBuf buf, int offset, int length, long initial) {
        if (offset < 0 || length < 0 || offset > buf.capacity() - length) {
            throw new IndexOutOfBoundsException(
                    "range " + offset + "+" + length + " outside capacity " + buf.capacity());
        }
        if (buf.refCnt() == 0) {
            // direct memory of a released buffer may already be freed: never read it
            throw new IllegalReferenceCountException(0);
        }
        if (buf.hasMemoryAddress() && PlatformDependent.hasUnsafe()) {
            return sumMemory(buf.memoryAddress() + offset, length, initial);
        }
        if (buf.hasArray()) {
            return sumArray(buf.array(), buf.arrayOffset() + offset, length, initial);
        }
        return sumBuffer(buf, offset, length, initial);
    }

    private static long sumMemory(long address, int length, long initial) {
        long even = initial;
        long odd = 0;
        int i = 0;
        for (; i + 16 <= length; i += 16) {
            long first = bigEndian(PlatformDependent.getLong(address + i));
            long second = bigEndian(PlatformDependent.getLong(address + i + 8));
            even += (first >>> 32) + (first & 0xFFFF_FFFFL);
            odd += (second >>> 32) + (second & 0xFFFF_FFFFL);
        }
        for (; i + 2 <= length; i += 2) {
            even += (PlatformDependent.getByte(address + i) & 0xFF) << 8
                    | PlatformDependent.getByte(address + i + 1) & 0xFF;
        }
        if (i < length) {
            even += (PlatformDependent.getByte(address + i) & 0xFF) << 8;
        }
        return even + odd;
    }

    private static long bigEndian(long nativeOrder) {
        return NATIVE_LITTLE_ENDIAN ? Long.reverseBytes(nativeOrder) : nativeOrder;
    }

    private static long sumArray(byte[] array, int offset, int length, long initial) {
        long even = initial;
        long odd = 0;
        int i = offset;
        int end = offset + length;
        for (; i + 16 <= end; i += 16) {
            long first = (long) BIG_ENDIAN_LONGS.get(array, i);
            long second = (long) BIG_ENDIAN_LONGS.get(array, i + 8);
            even += (first >>> 32) + (first & 0xFFFF_FFFFL);
            odd += (second >>> 32) + (second & 0xFFFF_FFFFL);
        }
        for (; i + 2 <= end; i += 2) {
            even += (array[i] & 0xFF) << 8 | array[i + 1] & 0xFF;
        }
        if (i < end) {
            even += (array[i] & 0xFF) << 8;
        }
        return even + odd;
    }

    private static long sumBuffer(ByteBuf buf, int offset, int length, long initial) {
        long sum = initial;
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            long word = buf.getLong(i);
            sum += (word >>> 32) + (word & 0xFFFF_FFFFL);
        }
        for (; i + 2 <= end; i += 2) {
            sum += buf.getUnsignedShort(i);
        }
        if (i < end) {
            sum += buf.getUnsignedByte(i) << 8;
        }
        return sum;
    }

    /** Folds a wide one's-complement sum to 16 bits, without complementing it. */
    public static int fold(long sum) {
        sum = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) ((sum & 0xFFFF) + (sum >>> 16));
    }

    /** The value a checksum field carries for data summing to {@code sum}: the complement of the folded sum. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** True when data that includes its own checksum field sums to 0xFFFF (RFC 1071 s1 (3)). */
    public static boolean verifies(long sum) {
        return fold(sum) == 0xFFFF;
    }

    /** Pseudo-header sum for TCP or UDP over IPv4: addresses, zero + protocol, L4 length (RFC 9293 s3.1). */
    public static long pseudoHeaderSum(int source, int destination, int protocol, int l4Length) {
        return (source >>> 16)
                + (source & 0xFFFF)
                + (destination >>> 16)
                + (destination & 0xFFFF)
                + protocol
                + l4Length;
    }

    /**
     * The checksum field after one 16-bit word of the covered data changed from {@code oldWord} to
     * {@code newWord}: RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m') (eqn. 2 of RFC 1141 got -0 wrong).
     */
    public static int update(int checksum, int oldWord, int newWord) {
        long sum = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return finish(sum);
    }

    /** {@link #update} for a 32-bit field (a TCP sequence number, an IPv4 address): two words at once. */
    public static int update32(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xFFFF)
                + (~oldValue >>> 16 & 0xFFFF)
                + (~oldValue & 0xFFFF)
                + (newValue >>> 16)
                + (newValue & 0xFFFF);
        return finish(sum);
    }

    /**
     * The field of a partial checksum ({@code NEEDS_CSUM}: it holds the folded pseudo-header sum,
     * not complemented) after a 32-bit value of the pseudo-header (an IPv4 address) changed:
     * fold(field + ~old + new), neither complemented before nor after, as Linux's
     * {@code inet_proto_csum_replace4(..., pseudohdr = true)} does for {@code CHECKSUM_PARTIAL}.
     * A port change needs nothing: ports lie in the range the finisher sums.
     */
    public static int updatePseudoHeader32(int field, int oldValue, int newValue) {
        long sum = (field & 0xFFFF)
                + (~oldValue >>> 16 & 0xFFFF)
                + (~oldValue & 0xFFFF)
                + (newValue >>> 16)
                + (newValue & 0xFFFF);
        return fold(sum);
    }

    /**
     * Completes a partial checksum in place, as a device does for {@code NEEDS_CSUM}: sums the
     * frame from {@code csumStart} to its end, with the field at {@code csumStart + csumOffset}
     * already holding the pseudo-header sum, and stores the complement there (a result of 0 is
     * stored as 0xFFFF, as Linux's {@code skb_checksum_help} does, so UDP never reads "no checksum").
     *
     * @param frameOffset absolute offset of the frame's first (Ethernet) byte
     * @param frameLength bytes of the frame; the checksum covers {@code [csumStart, frameLength)}
     * @return false, changing nothing, when the offsets do not leave room for the 2-byte field
     */
    public static boolean completePartial(
            ByteBuf buf, int frameOffset, int frameLength, int csumStart, int csumOffset) {
        if (csumStart < 0
                || csumOffset < 0
                || (long) csumStart + csumOffset + 2 > frameLength
                || frameOffset < 0
                || (long) frameOffset + frameLength > buf.writerIndex()) {
            return false;
        }
        int field = frameOffset + csumStart + csumOffset;
        int checksum = finish(sum(buf, frameOffset + csumStart, frameLength - csumStart, 0));
        buf.setShort(field, checksum == 0 ? 0xFFFF : checksum);
        return true;
    }
}
