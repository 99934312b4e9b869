package io.vpclab.dataplane.packet;

import io.netty.buffer.ByteBuf;

/** The bounds check shared by every view, and the checksum calls of the views ({@link Checksums} computes them). */
public final class Packets {

    private Packets() {}

    /** True when {@code length} bytes starting at absolute {@code offset} lie before the writer index. */
    public static boolean fits(ByteBuf buf, int offset, int length) {
        return offset >= 0 && length >= 0 && offset <= buf.writerIndex() - length;
    }

    /** Throws {@link PacketFormatException#truncated} unless {@link #fits}. */
    public static void require(ByteBuf buf, int offset, int length, String header) {
        if (!fits(buf, offset, length)) {
            throw PacketFormatException.truncated(header, offset, length, Math.max(0, buf.writerIndex() - offset));
        }
    }

    /** One's-complement sum of {@code length} bytes (odd lengths padded with zero), not yet folded. */
    public static long sum(ByteBuf buf, int offset, int length, long initial) {
        return Checksums.sum(buf, offset, length, initial);
    }

    /** Folds a 32-bit-or-wider one's-complement sum to 16 bits and complements it: the checksum field value. */
    public static int fold(long sum) {
        return Checksums.finish(sum);
    }

    /** Pseudo-header sum for TCP and UDP over IPv4 (RFC 793 s3.1, RFC 768). */
    public static long pseudoHeaderSum(int source, int destination, int protocol, int length) {
        return Checksums.pseudoHeaderSum(source, destination, protocol, length);
    }

    /**
     * Incremental update of a checksum field when one 16-bit word changes from {@code old} to
     * {@code updated} (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')).
     */
    public static int adjustChecksum(int checksum, int old, int updated) {
        return Checksums.update(checksum, old, updated);
    }
}
