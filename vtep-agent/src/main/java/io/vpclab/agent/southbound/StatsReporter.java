package io.vpclab.agent.southbound;

import io.vpclab.agent.stats.StatsSection;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostStatsApi;
import io.vpclab.client.model.HostStatsReport;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts this host's counters to the control plane ({@code POST /api/v1/hosts/{hostId}/stats})
 * every interval, assembled from {@link StatsSection}s. A failed post is logged at debug and
 * the next tick sends fresh figures: counters are cumulative, so nothing is lost by skipping,
 * and reporting never holds up forwarding (it runs on its own thread).
 */
public final class StatsReporter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatsReporter.class);

    private final String hostId;
    private final HostStatsApi api;
    private final List<StatsSection> sections;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong sent = new AtomicLong();

    public StatsReporter(ControlPlaneEndpoint endpoint, String hostId, List<StatsSection> sections) {
        this.hostId = hostId;
        this.api = new HostStatsApi(endpoint.apiClient());
        this.sections = List.copyOf(sections);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "stats-reporter-" + hostId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts posting every {@code interval}; zero or negative means never. */
    public void start(Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        long millis = Math.max(1, interval.toMillis());
        scheduler.scheduleWithFixedDelay(this::reportQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** The report the sections make now. */
    public HostStatsReport assemble() {
        HostStatsReport report = new HostStatsReport().takenAt(OffsetDateTime.now(ZoneOffset.UTC));
        for (StatsSection section : sections) {
            section.contribute(report);
        }
        return report;
    }

    /** Assembles and posts one report now, on the caller's thread. */
    public void report() throws ApiException {
        api.reportHostStats(hostId, assemble());
        sent.incrementAndGet();
    }

    /** Reports accepted by the control plane since start. */
    public long sent() {
        return sent.get();
    }

    private void reportQuietly() {
        try {
            report();
        } catch (ApiException | RuntimeException e) {
            log.debug("stats report of {} failed, next tick retries: {}", hostId, e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
