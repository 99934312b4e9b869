package io.vpclab.controlplane.southbound;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.TableDelta;
import io.vpclab.client.table.TableDiff;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One host's table history: the current table and the latest deltas, so a reconnecting agent
 * that names a recent generation resumes with deltas instead of a snapshot. Not thread-safe:
 * {@link SseSouthboundProvider} guards it.
 */
final class HostTableLog {

    static final int RETAINED_DELTAS = 256;

    private ForwardingTable current;
    private String digest;
    private final ArrayDeque<TableDelta> recent = new ArrayDeque<>();

    /**
     * @param first the first table; its generation must already be set
     * @param digest what {@link TableGenerations} knows the table by
     */
    HostTableLog(ForwardingTable first, String digest) {
        this.current = first;
        this.digest = digest;
    }

    String digest() {
        return digest;
    }

    /**
     * What {@code next} (whatever its generation) changes in the current table, generation not
     * yet set; null when it holds what the current table holds.
     */
    TableDelta changesTo(ForwardingTable next) {
        TableDelta delta = TableDiff.between(current, next);
        return TableDiff.isEmpty(delta) ? null : delta;
    }

    ForwardingTable current() {
        return current;
    }

    long generation() {
        return current.getGeneration();
    }

    /**
     * Moves to {@code next}, whose generation (set, and above the current one) was allocated for
     * {@code nextDigest}; {@code delta} is {@link #changesTo}'s answer for it.
     */
    TableDelta advance(ForwardingTable next, String nextDigest, TableDelta delta) {
        if (next.getGeneration() == null || next.getGeneration() <= current.getGeneration()) {
            throw new IllegalArgumentException(
                    "generation " + next.getGeneration() + " does not follow " + current.getGeneration());
        }
        delta.baseGeneration(current.getGeneration()).generation(next.getGeneration());
        current = next;
        digest = nextDigest;
        remember(delta);
        return delta;
    }

    /**
     * The same table is known by a later generation (another replica allocated it): moves to
     * that number with a delta that changes nothing, so agents acknowledge what every replica shows.
     */
    TableDelta relabel(long generation) {
        TableDelta delta = TableDiff.between(current, current).generation(generation);
        current.setGeneration(generation);
        remember(delta);
        return delta;
    }

    private void remember(TableDelta delta) {
        recent.addLast(delta);
        if (recent.size() > RETAINED_DELTAS) {
            recent.removeFirst();
        }
    }

    /**
     * The generation since which the port stands as it is in the current table: the newest
     * retained delta that upserted it, else the oldest generation the log still knows (a bound
     * from above when older deltas were dropped). Empty when the port is not in the table.
     */
    OptionalLong portSince(String portId) {
        if (current.getPorts() == null || current.getPorts().stream().noneMatch(port -> portId.equals(port.getId()))) {
            return OptionalLong.empty();
        }
        for (Iterator<TableDelta> newestFirst = recent.descendingIterator(); newestFirst.hasNext(); ) {
            TableDelta delta = newestFirst.next();
            if (delta.getUpsert() != null
                    && delta.getUpsert().getPorts() != null
                    && delta.getUpsert().getPorts().stream().anyMatch(port -> portId.equals(port.getId()))) {
                return OptionalLong.of(delta.getGeneration());
            }
        }
        return OptionalLong.of(
                recent.isEmpty() ? generation() : recent.peekFirst().getBaseGeneration());
    }

    /**
     * The deltas that lead from {@code generation} to the current one (empty when up to date),
     * or empty Optional when the log cannot bridge the gap and a snapshot is needed.
     */
    Optional<List<TableDelta>> since(long generation) {
        if (generation == generation()) {
            return Optional.of(List.of());
        }
        List<TableDelta> deltas = new ArrayList<>();
        for (TableDelta delta : recent) {
            if (delta.getBaseGeneration() >= generation) {
                deltas.add(delta);
            }
        }
        boolean bridges = !deltas.isEmpty() && deltas.get(0).getBaseGeneration() == generation;
        return bridges ? Optional.of(deltas) : Optional.empty();
    }
}
