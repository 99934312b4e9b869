package io.vpclab.controlplane.southbound;

import io.vpclab.client.model.CaptureCommand;
import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Messages about one agent between replicas (PostgreSQL only), through {@code agent_relay}: a
 * probe or capture command for an agent another replica serves, and an agent's answer for the
 * replica whose request waits for it. The sender inserts a row and NOTIFYs; every replica
 * listens on its own connection and reads the table after a notification or at least every poll
 * interval. The replica that can act (it serves the agent's stream, or its request waits) takes
 * the row by deleting it, so exactly one acts. Rows nobody took are dropped after {@link #KEPT}.
 */
@Component
@ConditionalOnProperty(name = "vpclab.replicas.enabled", havingValue = "true")
class AgentRelay implements DisposableBean {

    static final String CHANNEL = "vpclab_agent_relay";
    /** Longer than any probe waits; a row older than this has nobody left to act on it. */
    static final Duration KEPT = Duration.ofMinutes(2);

    enum Kind {
        PROBE,
        CAPTURE,
        ANSWER
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final SseSouthboundProvider streams;
    private final SouthboundService southbound;
    private final ReplicaIdentity replica;
    private final Duration lease;
    private final PostgresNotifications listener;

    AgentRelay(
            JdbcTemplate jdbc,
            DataSourceProperties dataSource,
            ObjectMapper json,
            SseSouthboundProvider streams,
            SouthboundService southbound,
            ReplicaIdentity replica,
            @Value("${vpclab.replicas.poll-interval:1s}") Duration pollInterval,
            @Value("${vpclab.replicas.lease:5s}") Duration lease) {
        this.jdbc = jdbc;
        this.json = json;
        this.streams = streams;
        this.southbound = southbound;
        this.replica = replica;
        this.lease = lease;
        this.listener = new PostgresNotifications(
                "agent-relay", "the agents' relay", dataSource, CHANNEL, pollInterval, session -> poll());
    }

    @EventListener(ContextRefreshedEvent.class)
    void start() {
        listener.start();
    }

    /**
     * Passes {@code payload} to the replica that serves the host's agent. False when no live
     * replica serves it (the lease of the one the host names ran out), or this replica does
     * (then its own stream is the way, and it just failed).
     */
    boolean toAgent(String hostId, Kind kind, Object payload) {
        List<String> servedBy = jdbc.queryForList(
                "select h.connected_replica from host h join replica_lease l on l.replica_id = h.connected_replica"
                        + " where h.id = ? and h.status = 'CONNECTED'"
                        + " and l.heartbeat_at > now() - (? * interval '1 millisecond')",
                String.class,
                hostId,
                lease.toMillis());
        if (servedBy.isEmpty() || servedBy.get(0).equals(replica.id())) {
            return false;
        }
        insert(hostId, kind, payload);
        return true;
    }

    /** Passes an agent's answer to whichever replica waits for it. */
    void toWaitingReplica(String hostId, ProbeResult answer) {
        insert(hostId, Kind.ANSWER, answer);
    }

    private void insert(String hostId, Kind kind, Object payload) {
        jdbc.update(
                "insert into agent_relay (host_id, kind, payload, created_at) values (?, ?, ?, ?)",
                hostId,
                kind.name(),
                json.writeValueAsString(payload),
                Timestamp.from(Instant.now()));
        jdbc.queryForList("select pg_notify(?, '')", CHANNEL);
    }

    /** Takes and acts on the rows this replica can act on, oldest first (an exec's pieces stay in order). */
    void poll() {
        List<Row> rows = jdbc.query(
                "select id, host_id, kind, payload from agent_relay order by id",
                (result, n) -> new Row(
                        result.getLong(1),
                        result.getString(2),
                        Kind.valueOf(result.getString(3)),
                        result.getString(4)));
        for (Row row : rows) {
            switch (row.kind()) {
                case PROBE -> {
                    if (southbound.isConnectedHere(row.hostId()) && take(row)) {
                        streams.sendProbe(row.hostId(), json.readValue(row.payload(), ProbeRequest.class));
                    }
                }
                case CAPTURE -> {
                    if (southbound.isConnectedHere(row.hostId()) && take(row)) {
                        streams.sendCapture(row.hostId(), json.readValue(row.payload(), CaptureCommand.class));
                    }
                }
                case ANSWER -> {
                    ProbeResult answer = json.readValue(row.payload(), ProbeResult.class);
                    if (southbound.awaits(answer.getRequestId()) && take(row)) {
                        southbound.answerHere(row.hostId(), answer);
                    }
                }
            }
        }
        jdbc.update(
                "delete from agent_relay where created_at < ?",
                Timestamp.from(Instant.now().minus(KEPT)));
    }

    private boolean take(Row row) {
        return jdbc.update("delete from agent_relay where id = ?", row.id()) == 1;
    }

    private record Row(long id, String hostId, Kind kind, String payload) {}

    @Override
    public void destroy() throws InterruptedException {
        listener.stop();
    }
}
