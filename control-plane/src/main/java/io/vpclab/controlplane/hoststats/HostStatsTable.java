package io.vpclab.controlplane.hoststats;

import io.vpclab.api.model.HostStatsReport;
import io.vpclab.controlplane.hoststats.HostStatsStore.ReceivedStats;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * Where {@link HostStatsStore} keeps the reports when several replicas share the database: an
 * agent reports to whichever replica it reaches, and every replica must show the same figures.
 * The same rule as in memory: a report is kept only when taken after the latest, under the
 * row's lock. A deregistered host's row goes with it (foreign key).
 */
@Component
@ConditionalOnProperty(name = "vpclab.replicas.enabled", havingValue = "true")
class HostStatsTable {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final ObjectMapper json;

    HostStatsTable(JdbcTemplate jdbc, PlatformTransactionManager transactions, ObjectMapper json) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.json = json;
    }

    /** As {@link HostStatsStore#accept}. */
    boolean accept(String hostId, HostStatsReport report, Instant receivedAt) {
        try {
            return Boolean.TRUE.equals(transaction.execute(s -> acceptLocked(hostId, report, receivedAt)));
        } catch (DuplicateKeyException firstReportRace) {
            // another replica stored the host's first report at the same moment: now there is a row to lock
            return Boolean.TRUE.equals(transaction.execute(s -> acceptLocked(hostId, report, receivedAt)));
        }
    }

    private boolean acceptLocked(String hostId, HostStatsReport report, Instant receivedAt) {
        String text = json.writeValueAsString(report);
        Timestamp takenAt = Timestamp.from(report.getTakenAt().toInstant());
        List<Timestamp> latest = jdbc.query(
                "select latest_taken_at from host_stats where host_id = ? for update",
                (row, n) -> row.getTimestamp(1),
                hostId);
        if (latest.isEmpty()) {
            jdbc.update(
                    "insert into host_stats (host_id, latest_report, latest_taken_at, latest_received_at)"
                            + " select id, ?, ?, ? from host where id = ?",
                    text,
                    takenAt,
                    Timestamp.from(receivedAt),
                    hostId);
            return true;
        }
        if (!takenAt.after(latest.get(0))) {
            return false;
        }
        jdbc.update(
                "update host_stats set previous_report = latest_report, previous_received_at = latest_received_at,"
                        + " latest_report = ?, latest_taken_at = ?, latest_received_at = ? where host_id = ?",
                text,
                takenAt,
                Timestamp.from(receivedAt),
                hostId);
        return true;
    }

    Optional<ReceivedStats> latest(String hostId) {
        return jdbc
                .query(
                        "select latest_received_at, latest_report from host_stats where host_id = ?",
                        (row, n) -> received(row),
                        hostId)
                .stream()
                .findFirst();
    }

    Optional<ReceivedStats> previous(String hostId) {
        return jdbc
                .query(
                        "select previous_received_at, previous_report from host_stats"
                                + " where host_id = ? and previous_report is not null",
                        (row, n) -> received(row),
                        hostId)
                .stream()
                .findFirst();
    }

    Map<String, ReceivedStats> latestOfAllHosts() {
        Map<String, ReceivedStats> latest = new HashMap<>();
        jdbc.query("select latest_received_at, latest_report, host_id from host_stats", row -> {
            latest.put(row.getString(3), received(row));
        });
        return Map.copyOf(latest);
    }

    private ReceivedStats received(ResultSet row) throws SQLException {
        return new ReceivedStats(
                row.getTimestamp(1).toInstant(), json.readValue(row.getString(2), HostStatsReport.class));
    }
}
