package io.vpclab.controlplane.southbound;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Host table generations allocated by the database, never in one JVM's memory, so that they
 * mean the same on every replica: the host's row is locked, a table with the digest already
 * stored keeps its generation (another replica compiled the same table), any other table takes
 * the next one. A host's first generation continues from what the store remembers (desired or
 * applied), so generations keep rising across restarts.
 */
@Component
class TableGenerations {

    static final int HOSTS_PER_TRANSACTION = 64;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    TableGenerations(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * The generations of the hosts' tables with these digests, each also recorded as its host's
     * desired generation, in one transaction per 64 hosts; a host that is not registered (any more) is absent.
     * Host rows are locked in ID order, so two replicas allocating for overlapping hosts queue
     * rather than deadlock.
     */
    Map<String, Long> allocate(Map<String, String> tableSha256ByHost) {
        Map<String, Long> generations = new HashMap<>();
        List<Map.Entry<String, String>> sorted = List.copyOf(new TreeMap<>(tableSha256ByHost).entrySet());
        // a whole network's first compile comes in chunks: acks wait on these row locks
        for (int from = 0; from < sorted.size(); from += HOSTS_PER_TRANSACTION) {
            List<Map.Entry<String, String>> chunk =
                    sorted.subList(from, Math.min(sorted.size(), from + HOSTS_PER_TRANSACTION));
            transaction.executeWithoutResult(status -> chunk.forEach(host -> allocate(host.getKey(), host.getValue())
                    .ifPresent(generation -> generations.put(host.getKey(), generation))));
        }
        return generations;
    }

    /** The latest generation any replica allocated for the host's table; -1 when none. */
    long latest(String hostId) {
        List<Long> generation =
                jdbc.queryForList("select generation from host_table_generation where host_id = ?", Long.class, hostId);
        return generation.isEmpty() ? -1 : generation.get(0);
    }

    private OptionalLong allocate(String hostId, String tableSha256) {
        List<Long> seed = jdbc.queryForList(
                "select greatest(desired_generation, applied_generation) from host where id = ? for update",
                Long.class,
                hostId);
        if (seed.isEmpty()) {
            return OptionalLong.empty();
        }
        List<Allocated> allocated = jdbc.query(
                "select generation, table_sha256 from host_table_generation where host_id = ?",
                (row, n) -> new Allocated(row.getLong(1), row.getString(2)),
                hostId);
        long result;
        if (allocated.isEmpty()) {
            result = seed.get(0) + 1;
            jdbc.update(
                    "insert into host_table_generation (host_id, generation, table_sha256) values (?, ?, ?)",
                    hostId,
                    result,
                    tableSha256);
        } else if (allocated.get(0).tableSha256().equals(tableSha256)) {
            result = allocated.get(0).generation();
        } else {
            result = allocated.get(0).generation() + 1;
            jdbc.update(
                    "update host_table_generation set generation = ?, table_sha256 = ? where host_id = ?",
                    result,
                    tableSha256,
                    hostId);
        }
        jdbc.update(
                "update host set desired_generation = greatest(desired_generation, ?) where id = ?", result, hostId);
        return OptionalLong.of(result);
    }

    private record Allocated(long generation, String tableSha256) {}
}
