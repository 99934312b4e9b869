package io.vpclab.controlplane.hoststats;

import io.vpclab.api.model.HostStatsReport;
import io.vpclab.controlplane.host.HostChanged;
import io.vpclab.controlplane.system.ChangeKind;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The counters agents report: per host the latest accepted report and the one before it (rates
 * are deltas between the two). A report older than the latest is ignored, so a delayed retry
 * never moves counters backwards. A deleted host's reports go with it. Counters are the agents'
 * own and start again from zero when an agent restarts. One replica keeps them in memory (the
 * next report, a second later, replaces them anyway); several replicas keep them in the shared
 * database ({@link HostStatsTable}), since an agent reports to whichever replica it reaches.
 */
@Component
public class HostStatsStore {

    /** One accepted report and when the server received it. */
    public record ReceivedStats(Instant receivedAt, HostStatsReport report) {

        public ReceivedStats {
            Objects.requireNonNull(receivedAt, "receivedAt");
            Objects.requireNonNull(report, "report");
        }
    }

    private record Held(ReceivedStats latest, ReceivedStats previous) {}

    private final Map<String, Held> byHost = new ConcurrentHashMap<>();
    /** The shared table with several replicas; null keeps the reports in memory. */
    private final HostStatsTable table;

    /** Reports in memory: one replica. */
    public HostStatsStore() {
        this.table = null;
    }

    @Autowired
    HostStatsStore(ObjectProvider<HostStatsTable> table) {
        this.table = table.getIfAvailable();
    }

    public Optional<ReceivedStats> latest(String hostId) {
        if (table != null) {
            return table.latest(hostId);
        }
        return Optional.ofNullable(byHost.get(hostId)).map(Held::latest);
    }

    public Optional<ReceivedStats> previous(String hostId) {
        if (table != null) {
            return table.previous(hostId);
        }
        return Optional.ofNullable(byHost.get(hostId)).map(Held::previous);
    }

    /** The latest report of every host that has reported, by host id. */
    public Map<String, ReceivedStats> latestOfAllHosts() {
        if (table != null) {
            return table.latestOfAllHosts();
        }
        Map<String, ReceivedStats> latest = new java.util.HashMap<>();
        byHost.forEach((hostId, held) -> latest.put(hostId, held.latest()));
        return Map.copyOf(latest);
    }

    /**
     * Keeps {@code report} as the host's latest unless it was taken before the latest one.
     *
     * @return false when it was ignored as stale
     */
    boolean accept(String hostId, HostStatsReport report, Instant receivedAt) {
        if (table != null) {
            return table.accept(hostId, report, receivedAt);
        }
        ReceivedStats received = new ReceivedStats(receivedAt, report);
        boolean[] accepted = {false};
        byHost.compute(hostId, (id, held) -> {
            if (held != null
                    && !report.getTakenAt().isAfter(held.latest().report().getTakenAt())) {
                return held;
            }
            accepted[0] = true;
            return new Held(received, held == null ? null : held.latest());
        });
        return accepted[0];
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(HostChanged event) {
        if (event.kind() == ChangeKind.DELETED) {
            byHost.remove(event.hostId());
        }
    }
}
