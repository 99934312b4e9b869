package io.vpclab.controlplane.southbound;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
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

    private final JdbcTemplate jdbc;
    private final PostgresNotifications lockSession;
    private volatile boolean leader;

    ReplicaLeadership(
            DataSourceProperties dataSource,
            JdbcTemplate jdbc,
            MeterRegistry meters,
            @Value("${vpclab.replicas.poll-interval:1s}") Duration checkInterval) {
        this.jdbc = jdbc;
        this.lockSession = new PostgresNotifications(
                "replica-leadership",
                "the replicas' leadership session",
                dataSource,
                null,
                checkInterval,
                new PostgresNotifications.Handler() {
                    @Override
                    public void wake(Connection session) throws SQLException {
                        check(session);
                    }

                    @Override
                    public void lost() {
                        sessionLost();
                    }
                });
        Gauge.builder("vpclab.replica.leader", this, l -> l.leader ? 1 : 0)
                .description("1 on the replica that runs the jobs that must run once")
                .register(meters);
    }

    @EventListener(ContextRefreshedEvent.class)
    void start() {
        lockSession.start();
    }

    /** True while this replica holds the lock (as of the last check). */
    boolean isLeader() {
        return leader;
    }

    /** Takes the lock if no replica holds it, and runs the jobs while this one does. */
    private void check(Connection session) throws SQLException {
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
    }

    /** A lost session lost the lock with it. */
    private void sessionLost() {
        if (leader) {
            log.warn("lost the leadership of the replicas");
        }
        leader = false;
    }

    private void runJobs() {
        jdbc.update(
                "delete from replica_change where created_at < ?",
                Timestamp.from(Instant.now().minus(CHANGE_LOG_KEPT)));
    }

    @Override
    public void destroy() throws InterruptedException {
        lockSession.stop();
        leader = false;
    }
}
