package io.vpclab.controlplane.southbound;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Measures how long each change takes to reach the data plane: from the API commit to the ack
 * of every host that got a new generation for it. Thread-safe; old unfinished changes (hosts
 * that never ack) are dropped after {@link #MAX_OPEN} newer ones.
 */
final class Convergence {

    static final int MAX_OPEN = 1024;

    private final ArrayDeque<Change> open = new ArrayDeque<>();
    private final Map<String, Long> latestAck = new HashMap<>();
    private volatile long lastMillis = -1;

    /**
     * A change committed at {@code commitNanos} gave these hosts these generations. An agent may
     * apply and acknowledge a delta before this is called (the stream is fast), so acks already
     * seen count at once.
     */
    synchronized void changed(
            long commitNanos, Map<String, Long> generations, long nowNanos, CompletedChange onComplete) {
        Map<String, Long> pending = new HashMap<>(generations);
        pending.entrySet().removeIf(e -> latestAck.getOrDefault(e.getKey(), -1L) >= e.getValue());
        if (generations.isEmpty()) {
            return;
        }
        if (pending.isEmpty()) {
            complete(nowNanos - commitNanos, onComplete);
            return;
        }
        open.addLast(new Change(commitNanos, pending));
        if (open.size() > MAX_OPEN) {
            open.removeFirst();
        }
    }

    /**
     * A host acknowledged {@code generation} at {@code nowNanos}. Returns the host's own
     * commit-to-ack time for the newest change it completes, if any.
     */
    synchronized OptionalLong acknowledged(String hostId, long generation, long nowNanos, CompletedChange onComplete) {
        latestAck.merge(hostId, generation, Math::max);
        OptionalLong hostMillis = OptionalLong.empty();
        for (Iterator<Change> it = open.iterator(); it.hasNext(); ) {
            Change change = it.next();
            Long wanted = change.pending.get(hostId);
            if (wanted != null && wanted <= generation) {
                change.pending.remove(hostId);
                hostMillis = OptionalLong.of((nowNanos - change.commitNanos) / 1_000_000);
                if (change.pending.isEmpty()) {
                    it.remove();
                    complete(nowNanos - change.commitNanos, onComplete);
                }
            }
        }
        return hostMillis;
    }

    private void complete(long nanos, CompletedChange onComplete) {
        lastMillis = nanos / 1_000_000;
        onComplete.completed(nanos);
    }

    /** Forgets a deregistered host. */
    synchronized void forget(String hostId) {
        latestAck.remove(hostId);
    }

    /** Commit -> last ack of the latest completed change, or -1 before the first. */
    long lastMillis() {
        return lastMillis;
    }

    @FunctionalInterface
    interface CompletedChange {
        void completed(long nanos);
    }

    private record Change(long commitNanos, Map<String, Long> pending) {}
}
