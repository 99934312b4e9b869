package io.vpclab.dataplane.wireguard;

/**
 * The anti-replay window of wireguard-go's replay/replay.go (after RFC 6479): a ring of 128
 * 64-bit blocks; counters up to 8128 behind the highest one seen are accepted once each,
 * older ones are refused. Counters are unsigned 64-bit values.
 */
final class ReplayWindow {

    private static final int BLOCK_BIT_LOG = 6;
    private static final int BLOCK_BITS = 1 << BLOCK_BIT_LOG;
    private static final int RING_BLOCKS = 1 << 7;
    static final long WINDOW_SIZE = (RING_BLOCKS - 1) * (long) BLOCK_BITS;
    private static final int BLOCK_MASK = RING_BLOCKS - 1;
    private static final int BIT_MASK = BLOCK_BITS - 1;

    private long last;
    private final long[] ring = new long[RING_BLOCKS];

    /** True once for every counter below {@code limit} within the window; false for replays and stale counters. */
    boolean accept(long counter, long limit) {
        if (Long.compareUnsigned(counter, limit) >= 0) {
            return false;
        }
        long indexBlock = counter >>> BLOCK_BIT_LOG;
        if (Long.compareUnsigned(counter, last) > 0) {
            long current = last >>> BLOCK_BIT_LOG;
            long diff = Math.min(indexBlock - current, RING_BLOCKS);
            for (long i = 1; i <= diff; i++) {
                ring[(int) ((current + i) & BLOCK_MASK)] = 0;
            }
            last = counter;
        } else if (Long.compareUnsigned(last - counter, WINDOW_SIZE) > 0) {
            return false;
        }
        int block = (int) (indexBlock & BLOCK_MASK);
        long bit = 1L << (counter & BIT_MASK);
        long old = ring[block];
        ring[block] = old | bit;
        return (old & bit) == 0;
    }

    void reset() {
        last = 0;
        java.util.Arrays.fill(ring, 0);
    }
}
