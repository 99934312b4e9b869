package io.vpclab.dataplane.table;

import java.util.Arrays;

/**
 * An immutable open-addressing map from a {@code long} key to a non-negative {@code int}, for
 * lookups that must not box (MAC addresses as {@code long}, IPv4 addresses widened to
 * {@code long}). Filled once at build time; {@link #get} is allocation free.
 */
final class LongIntMap {

    static final int MISSING = -1;

    /**
     * Slot i's key at {@code 2i} and value at {@code 2i + 1} ({@link #MISSING} when the slot is
     * empty): a probe reads one array and, mostly, one cache line.
     */
    private final long[] slots;
    /** Masks an index into {@link #slots} (twice the slot count, minus one). */
    private final int mask;

    private final int size;

    private LongIntMap(long[] slots, int size) {
        this.slots = slots;
        this.mask = slots.length - 1;
        this.size = size;
    }

    int get(long key) {
        int at = slot(key, mask >>> 1) << 1;
        long value;
        while ((value = slots[at + 1]) != MISSING) {
            if (slots[at] == key) {
                return (int) value;
            }
            at = (at + 2) & mask;
        }
        return MISSING;
    }

    int size() {
        return size;
    }

    private static int slot(long key, int mask) {
        long mixed = key * 0x9E37_79B9_7F4A_7C15L; // Fibonacci hashing spreads sequential MACs and IPs
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }

    /** Collects entries; {@link #put} refuses a duplicate key so the caller can name it. */
    static final class Builder {
        private long[] keys = new long[8];
        private int[] values = new int[8];
        private int size;
        private final java.util.Set<Long> present = new java.util.HashSet<>(); // build time only

        /** Returns false (and stores nothing) when {@code key} is already present. */
        boolean put(long key, int value) {
            if (value < 0) {
                throw new IllegalArgumentException("values must be non-negative");
            }
            if (!present.add(key)) {
                return false;
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size++] = value;
            return true;
        }

        LongIntMap build() {
            int capacity = Integer.highestOneBit(Math.max(4, size * 2 + 1)) << 1; // load factor <= 0.5
            long[] slots = new long[2 * capacity];
            for (int at = 1; at < slots.length; at += 2) {
                slots[at] = MISSING;
            }
            int mask = capacity - 1;
            for (int i = 0; i < size; i++) {
                int slot = slot(keys[i], mask);
                while (slots[2 * slot + 1] != MISSING) {
                    slot = (slot + 1) & mask;
                }
                slots[2 * slot] = keys[i];
                slots[2 * slot + 1] = values[i];
            }
            return new LongIntMap(slots, size);
        }
    }
}
