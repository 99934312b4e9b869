package io.vpclab.dataplane.wireguard;

/**
 * TAI64N timestamps of handshake initiations (whitepaper s5.1): 8 bytes big-endian seconds
 * from the TAI64 label 2^62 + 10, then 4 bytes big-endian nanoseconds. As wireguard-go does,
 * the nanoseconds are rounded down to a multiple of 2^24 so the timestamp does not leak a
 * fine clock. Larger means later: the responder compares them byte by byte.
 */
final class Tai64n {

    static final int LENGTH = 12;
    private static final long BASE = 0x400000000000000aL;
    private static final int WHITENER_MASK = 0x1000000 - 1;

    private Tai64n() {}

    static byte[] of(long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        nanos -= nanos & WHITENER_MASK;
        byte[] out = new byte[LENGTH];
        long label = BASE + seconds;
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (label >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[8 + i] = (byte) (nanos >>> (24 - 8 * i));
        }
        return out;
    }

    /** True when {@code candidate} is strictly later than {@code previous} (null: nothing seen yet). */
    static boolean after(byte[] candidate, byte[] previous) {
        if (previous == null) {
            return true;
        }
        for (int i = 0; i < LENGTH; i++) {
            int a = candidate[i] & 0xFF;
            int b = previous[i] & 0xFF;
            if (a != b) {
                return a > b;
            }
        }
        return false;
    }
}
