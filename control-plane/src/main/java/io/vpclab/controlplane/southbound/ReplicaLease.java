package io.vpclab.controlplane.southbound;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Each replica renews its lease in {@code replica_lease} every poll interval (the database's
 * clock, so replicas' clocks need not agree). A replica killed without a word stops renewing:
 * once its lease is older than {@code vpclab.replicas.lease}, any replica drops it and shows
 * the hosts it served disconnected, until their agents follow another replica. A replica that
 * finds its own lease dropped (it stalled that long) shows its hosts connected again.
 */
@Component
@ConditionalOnProperty(name = "vpclab.replicas.enabled", havingValue = "true")
class ReplicaLease implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReplicaLease.class);

    private final JdbcTemplate jdbc;
    private final ReplicaIdentity replica;
    private final SouthboundService southbound;
    private final Duration interval;
    private final Duration lease;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "replica-lease");
        thread.setDaemon(true);
        return thread;
    });

    ReplicaLease(
            JdbcTemplate jdbc,
            ReplicaIdentity replica,
            SouthboundService southbound,
            @Value("${vpclab.replicas.poll-interval:1s}") Duration interval,
            @Value("${vpclab.replicas.lease:5s}") Duration lease) {
        if (lease.compareTo(interval.multipliedBy(2)) < 0) {
            throw new IllegalStateException("vpclab.replicas.lease (" + lease
                    + ") must be at least twice vpclab.replicas.poll-interval (" + interval + ")");
        }
        this.jdbc = jdbc;
        this.replica = replica;
        this.southbound = southbound;
        this.interval = interval;
        this.lease = lease;
    }

    @EventListener(ContextRefreshedEvent.class)
    void start() {
        renew();
        scheduler.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            renew();
            expire();
        } catch (RuntimeException e) {
            log.warn("renewing this replica's lease: {}", e.toString());
        }
    }

    private void renew() {
        int renewed = jdbc.update("update replica_lease set heartbeat_at = now() where replica_id = ?", replica.id());
        if (renewed == 0) {
            jdbc.update("insert into replica_lease (replica_id, heartbeat_at) values (?, now())", replica.id());
            // a first lease, or one dropped while this replica stalled: its hosts are connected here
            southbound.reassertConnections();
        }
    }

    /** Drops the leases that ran out and disconnects the hosts of their replicas. */
    void expire() {
        int dropped = jdbc.update(
                "delete from replica_lease where heartbeat_at < now() - (? * interval '1 millisecond')",
                lease.toMillis());
        int disconnected = jdbc.update("update host set status = 'DISCONNECTED', connected_replica = null"
                + " where status = 'CONNECTED' and not exists"
                + " (select 1 from replica_lease l where l.replica_id = host.connected_replica)");
        if (dropped > 0 || disconnected > 0) {
            log.info(
                    "{} replicas stopped renewing their lease; {} of their hosts are disconnected until their agents"
                            + " follow another replica",
                    dropped,
                    disconnected);
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
        try {
            // a replica that stops cleanly ends its lease now, so the others need not wait for it to run out
            jdbc.update("delete from replica_lease where replica_id = ?", replica.id());
        } catch (RuntimeException e) {
            log.debug("ending this replica's lease: {}", e.toString());
        }
    }
}
