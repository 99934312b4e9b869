package io.vpclab.dataplane.host;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated host's neighbour table: resolved IPv4 -> MAC, plus the packets waiting for a
 * resolution. Loop-confined. Entries never expire: a simulated host lives for one table.
 */
final class ArpCache {

    /** Packets held per unresolved neighbour, as Linux's default {@code unres_qlen} bounds them. */
    static final int MAX_PENDING = 16;

    private final Map<Integer, Long> resolved = new HashMap<>();
    private final Map<Integer, List<ByteBuf>> pending = new HashMap<>();

    /** The MAC of {@code ip}, or -1 when unresolved. */
    long lookup(int ip) {
        Long mac = resolved.get(ip);
        return mac == null ? -1 : mac;
    }

    void learn(int ip, long mac) {
        resolved.put(ip, mac);
    }

    /** Queues a packet for {@code ip}; returns true when this is the first (so a request must go out). */
    boolean hold(int ip, ByteBuf frame) {
        List<ByteBuf> queue = pending.computeIfAbsent(ip, k -> new ArrayList<>());
        if (queue.size() >= MAX_PENDING) {
            frame.release();
            return false;
        }
        queue.add(frame);
        return queue.size() == 1;
    }

    /** Removes and returns the packets waiting for {@code ip}. */
    List<ByteBuf> release(int ip) {
        List<ByteBuf> queue = pending.remove(ip);
        return queue == null ? List.of() : queue;
    }

    /** Drops the packets still waiting for {@code ip} (resolution failed). */
    void fail(int ip) {
        release(ip).forEach(ByteBuf::release);
    }

    void clear() {
        pending.values().forEach(q -> q.forEach(ByteBuf::release));
        pending.clear();
    }
}
