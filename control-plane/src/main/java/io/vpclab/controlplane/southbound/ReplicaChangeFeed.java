package io.vpclab.controlplane.southbound;

import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * How a write on one replica reaches the agents of every other (PostgreSQL only): each change a
 * transaction makes is written to {@code replica_change} inside that transaction, with a
 * {@code NOTIFY} that PostgreSQL delivers at commit. Every replica listens on a dedicated
 * connection and reads the log after a notification or at least every poll interval (a
 * notification is only a hint and can be missed), then recompiles the hosts the change touched.
 * After its listening connection was lost a replica resynchronises the whole network.
 */
@Component
@ConditionalOnProperty(name = "vpclab.replicas.enabled", havingValue = "true")
class ReplicaChangeFeed implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReplicaChangeFeed.class);

    static final String CHANNEL = "vpclab_store_changes";
    /** A hole in the log's ids older than this is a transaction that rolled back, not one still committing. */
    static final Duration GAP_PATIENCE = Duration.ofSeconds(10);

    private static final int BATCH = 1000;
    private static final int MAX_IDS_CHARS = 4000;

    private final JdbcTemplate jdbc;
    private final StoreChangeListener changes;
    private final NetworkCompilation compilation;
    private final SseSouthboundProvider streams;
    private final PostgresNotifications listener;

    /** Every id up to here was handled (or is a hole given up); only the listener thread touches these. */
    private long watermark;

    private final Set<Long> handledAboveWatermark = new HashSet<>();
    private long holeSeenNanos;

    ReplicaChangeFeed(
            JdbcTemplate jdbc,
            DataSourceProperties dataSource,
            StoreChangeListener changes,
            NetworkCompilation compilation,
            SseSouthboundProvider streams,
            @Value("${vpclab.replicas.poll-interval:1s}") Duration pollInterval) {
        this.jdbc = jdbc;
        this.changes = changes;
        this.compilation = compilation;
        this.streams = streams;
        this.listener = new PostgresNotifications(
                "replica-change-feed",
                "the replicas' change feed",
                dataSource,
                CHANNEL,
                pollInterval,
                new PostgresNotifications.Handler() {
                    @Override
                    public void connected(Connection session, boolean again) {
                        if (again) {
                            log.info("listening to the other replicas again; resynchronising the network");
                            compilation.resync();
                        }
                    }

                    @Override
                    public void wake(Connection session) {
                        poll();
                    }
                });
    }

    /** Starts listening once the application is up; what the log held before, the first compile reads anyway. */
    @EventListener(ContextRefreshedEvent.class)
    void start() {
        if (!listener.started()) {
            watermark = jdbc.queryForObject("select coalesce(max(id), 0) from replica_change", Long.class);
            listener.start();
        }
    }

    /** Writes the event's changes for the other replicas, in the writing transaction (so both or neither commit). */
    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT, fallbackExecution = true)
    void announce(Object event) {
        List<StoreChange> touched = changes.changesOf(event);
        for (StoreChange change : touched) {
            String vpcIds = String.join(",", change.vpcIds());
            String hostIds = String.join(",", change.hostIds());
            if (vpcIds.length() > MAX_IDS_CHARS || hostIds.length() > MAX_IDS_CHARS) {
                throw new IllegalStateException(
                        "a change touching " + change.vpcIds().size() + " VPCs and "
                                + change.hostIds().size() + " hosts does not fit the replicas' change log");
            }
            // the database's clock, which poll() reads too: replicas' own clocks may differ
            jdbc.update(
                    "insert into replica_change (origin, vpc_ids, host_ids, peerings, created_at)"
                            + " values (?, ?, ?, ?, clock_timestamp())",
                    streams.replicaId(),
                    vpcIds,
                    hostIds,
                    change.peerings());
        }
        if (!touched.isEmpty()) {
            jdbc.queryForList("select pg_notify(?, '')", CHANNEL);
        }
    }

    /** Reads the changes after the watermark, hands the other replicas' ones to the compiler, and relabels. */
    void poll() {
        List<Row> rows = jdbc.query(
                "select id, origin, vpc_ids, host_ids, peerings,"
                        + " extract(epoch from clock_timestamp() - created_at) from replica_change"
                        + " where id > ? order by id limit " + BATCH,
                (result, n) -> new Row(
                        result.getLong(1),
                        result.getString(2),
                        ids(result.getString(3)),
                        ids(result.getString(4)),
                        result.getBoolean(5),
                        result.getDouble(6)),
                watermark);
        long now = System.nanoTime();
        for (Row row : rows) {
            if (handledAboveWatermark.add(row.id()) && !row.origin().equals(streams.replicaId())) {
                // convergence counts from the commit on the other replica, not from this replica's read
                long commitNanos = now - (long) (Math.max(0, row.ageSeconds()) * 1e9);
                compilation.submit(new StoreChange(row.vpcIds(), row.hostIds(), row.peerings(), commitNanos));
            }
        }
        advanceWatermark();
        relabel();
    }

    /**
     * Moves the watermark over the ids handled in a row. A hole (an id taken by a transaction not
     * yet committed, or rolled back) holds it for {@link #GAP_PATIENCE}, then is given up.
     */
    private void advanceWatermark() {
        while (handledAboveWatermark.remove(watermark + 1)) {
            watermark++;
        }
        if (handledAboveWatermark.isEmpty()) {
            holeSeenNanos = 0;
            return;
        }
        long now = System.nanoTime();
        if (holeSeenNanos == 0) {
            holeSeenNanos = now;
        } else if (now - holeSeenNanos > GAP_PATIENCE.toNanos()) {
            watermark = handledAboveWatermark.stream()
                            .mapToLong(Long::longValue)
                            .min()
                            .orElseThrow()
                    - 1;
            holeSeenNanos = 0;
            advanceWatermark();
        }
    }

    /** Tables this replica holds under an older number than another replica gave the same table move to that number. */
    private void relabel() {
        jdbc.query("select host_id, generation, table_sha256 from host_table_generation", result -> {
            streams.relabel(result.getString(1), result.getString(3), result.getLong(2));
        });
    }

    private static Set<String> ids(String joined) {
        return joined.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(joined.split(",")));
    }

    private record Row(
            long id, String origin, Set<String> vpcIds, Set<String> hostIds, boolean peerings, double ageSeconds) {}

    @Override
    public void destroy() throws InterruptedException {
        listener.stop();
    }
}
