package io.vpclab.dataplane.table;

import java.util.Arrays;

/**
 * An immutable open-addressing map from a {@code long} key to a non-negative {@code int}, for
 * lookups that must not box (MAC addresses as {@code long}, IPv4 addresses widened to
 * {@code long}). Filled once at build time; {@link #get} is allocation free.
 */
final class LongIntMap {

    static final int MISSING = -1;

    private final long[] keys;
    private final int[] values;
    private final boolean[] used;
    private final int mask;
    private final int size;

    private LongIntMap(long[] keys, int[] values, boolean[] used, int size) {
        this.keys = keys;
        this.values = values;
        this.used = used;
        this.mask = keys.length - 1;
        this.size = size;
    }

    int get(long key) {
        int slot = slot(key, mask);
        while (used[slot]) {
            if (keys[slot] == key) {
                return values[slot];
            }
            slot = (slot + 1) & mask;
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
            long[] tableKeys = new long[capacity];
            int[] tableValues = new int[capacity];
            boolean[] used = new boolean[capacity];
            int mask = capacity - 1;
            for (int i = 0; i < size; i++) {
                int slot = slot(keys[i], mask);
                while (used[slot]) {
                    slot = (slot + 1) & mask;
                }
                used[slot] = true;
                tableKeys[slot] = keys[i];
                tableValues[slot] = values[i];
            }
            return new LongIntMap(tableKeys, tableValues, used, size);
        }
    }
}
