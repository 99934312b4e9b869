package io.vpclab.controlplane.southbound;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

/**
 * One replica at a time runs the jobs that must run once: the one holding a session-level
 * PostgreSQL advisory lock on its own connection. When that replica dies its session ends,
 * PostgreSQL releases the lock, and the next replica to try takes it over (every check interval).
 * The jobs: pruning the replicas' change log.
 */
@Component
@ConditionalOnProperty(name = "vpclab.replicas.enabled", havingValue = "true")
class ReplicaLeadership implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReplicaLeadership.class);

    /**
     * The advisory lock's first key: "vplb" in ASCII, so other users of the database are unlikely
     * to share it. The second is the schema's hash: deployments in two schemas of one database
     * (and test classes running side by side) each elect their own leader.
     */
    static final int LOCK_CLASS = 0x76706c62;

    /** Changes older than this were read by every live replica long ago (they poll every second). */
    static final Duration CHANGE_LOG_KEPT = Duration.ofMinutes(10);

    private final DataSourceProperties dataSource;
    private final JdbcTemplate jdbc;
    private final Duration checkInterval;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "replica-leadership");
        thread.setDaemon(true);
        return thread;
    });
    private Connection session;
    private volatile boolean leader;

    ReplicaLeadership(
            DataSourceProperties dataSource,
            JdbcTemplate jdbc,
            MeterRegistry meters,
            @Value("${vpclab.replicas.poll-interval:1s}") Duration checkInterval) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.checkInterval = checkInterval;
        Gauge.builder("vpclab.replica.leader", this, l -> l.leader ? 1 : 0)
                .description("1 on the replica that runs the jobs that must run once")
                .register(meters);
    }

    @EventListener(ContextRefreshedEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(this::check, 0, checkInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True while this replica holds the lock (as of the last check). */
    boolean isLeader() {
        return leader;
    }

    private void check() {
        try {
            if (session == null || !session.isValid(5)) {
                closeSession();
                session = DriverManager.getConnection(
                        dataSource.determineUrl(), dataSource.determineUsername(), dataSource.determinePassword());
            }
            if (!leader) {
                try (Statement statement = session.createStatement();
                        ResultSet taken = statement.executeQuery(
                                "select pg_try_advisory_lock(" + LOCK_CLASS + ", hashtext(current_schema()))")) {
                    leader = taken.next() && taken.getBoolean(1);
                }
                if (leader) {
                    log.info("this replica now runs the jobs that must run once");
                }
            }
            if (leader) {
                runJobs();
            }
        } catch (SQLException | RuntimeException e) {
            // a lost session lost the lock with it
            if (leader) {
                log.warn("lost the leadership of the replicas: {}", e.toString());
            }
            leader = false;
            closeSession();
        }
    }

    private void runJobs() {
        jdbc.update(
                "delete from replica_change where created_at < ?",
                Timestamp.from(Instant.now().minus(CHANGE_LOG_KEPT)));
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                log.debug("closing the leadership session: {}", e.toString());
            }
            session = null;
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
        leader = false;
        closeSession();
    }
}
