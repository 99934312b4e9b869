package io.vpclab.dataplane.pipeline;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters indexed like the installed table's entries (rules, ACL entries), kept by key across
 * installs: a packet adds to a flat {@code long[]} slot, one load and one store, and an install
 * carries each key's count over to the entry's new slot. Loop-confined.
 */
final class KeyedCounters {

    private final Map<String, Long> carried = new HashMap<>();
    private String[] keys = new String[0];
    private long[] counts = new long[0];

    /** The slots of the installed keys, for the stage to add to. Replaced by {@link #install}. */
    long[] counts() {
        return counts;
    }

    /** New slots for {@code next}, each starting at its key's count so far. */
    void install(String[] next) {
        for (int i = 0; i < keys.length; i++) {
            carried.put(keys[i], counts[i]);
        }
        long[] nextCounts = new long[next.length];
        for (int i = 0; i < next.length; i++) {
            nextCounts[i] = carried.getOrDefault(next[i], 0L);
        }
        keys = next;
        counts = nextCounts;
    }

    /** Adds each installed key's count to {@code into}, in slot order. */
    void addTo(Map<String, Long> into) {
        for (int i = 0; i < keys.length; i++) {
            into.put(keys[i], counts[i]);
        }
    }

    /** The installed keys' counts, in slot order. */
    Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        addTo(snapshot);
        return snapshot;
    }
}
