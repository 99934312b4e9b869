package io.vpclab.agent.southbound;

import io.vpclab.client.ApiException;
import io.vpclab.client.api.FlowLogsApi;
import io.vpclab.client.model.FlowLogReport;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Port;
import io.vpclab.dataplane.stats.FlowCount;
import io.vpclab.dataplane.stats.FlowCounts;
import io.vpclab.net.FlowLogRecord;
import io.vpclab.net.Ipv4Address;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this host's flow-log records to the control plane
 * ({@code POST /api/v1/hosts/{hostId}/flow-log-records}). Every second it drains the VTEP's flow
 * counts of the ports whose interval is up (ports whose table entry has a {@code flowLog}), turns
 * each counted flow direction into one version 2 record, and a port whose flows the bounded flow
 * tables lost into a SKIPDATA record for the window since its previous drain (AWS writes one when
 * it could not record everything), and posts what is pending. Records are
 * not cumulative, so a failed post keeps them for the next tick, at most {@link #MAX_PENDING}:
 * past that the oldest are dropped and counted ({@link #droppedRecords}). Runs on its own thread,
 * never on an event loop.
 */
public final class FlowLogReporter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FlowLogReporter.class);

    /** Records waiting for a successful post, at most; a report carries at most this many too. */
    public static final int MAX_PENDING = 20_000;

    /** Drains the VTEP's counts of the ports {@code due} accepts (by {@link FlowCount#localKey}). */
    public interface FlowCountSource {
        FlowCounts drain(LongPredicate due);
    }

    private final String hostId;
    private final FlowLogsApi api;
    private final Supplier<ForwardingTable> table;
    private final FlowCountSource counts;
    private final LongSupplier nanoClock;
    private final Clock wallClock;
    private final ScheduledExecutorService scheduler;
    private final Map<Long, Long> nextDueNanos = new HashMap<>();
    /** Unix seconds where each port's current window began: a SKIPDATA record spans it. */
    private final Map<Long, Long> windowStartSeconds = new HashMap<>();

    private final ArrayDeque<String> pending = new ArrayDeque<>();
    private long droppedRecords;
    private long lostFlows;

    public FlowLogReporter(
            ControlPlaneEndpoint endpoint,
            String hostId,
            Supplier<ForwardingTable> table,
            FlowCountSource counts,
            LongSupplier nanoClock,
            Clock wallClock) {
        this.hostId = hostId;
        this.api = new FlowLogsApi(endpoint.apiClient());
        this.table = table;
        this.counts = counts;
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "flow-log-reporter-" + hostId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts ticking every second (interval boundaries are kept to the second). */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::tickQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /** Drains the ports whose interval is up and posts what is pending, on the caller's thread. */
    public synchronized void tick() throws ApiException {
        collect(false);
        post();
    }

    /** Drains every covered port now, whatever its interval, and posts (tests, shutdown). */
    public synchronized void flush() throws ApiException {
        collect(true);
        post();
    }

    /** Records dropped because posts kept failing and {@link #MAX_PENDING} were waiting. */
    public synchronized long droppedRecords() {
        return droppedRecords;
    }

    /** Flows whose counts the bounded flow tables lost (a slot reused before its drain). */
    public synchronized long lostFlows() {
        return lostFlows;
    }

    private void collect(boolean all) {
        ForwardingTable current = table.get();
        if (current == null) {
            return;
        }
        long now = nanoClock.getAsLong();
        long nowSeconds = wallClock.millis() / 1000;
        Map<Long, Port> covered = new HashMap<>();
        for (Port port : current.getPorts()) {
            if (port.getFlowLog() != null && port.getIpAddress() != null) {
                long key = FlowCount.localKey(port.getVni(), Ipv4Address.parse(port.getIpAddress()));
                covered.put(key, port);
                nextDueNanos.putIfAbsent(key, now + intervalNanos(port));
                windowStartSeconds.putIfAbsent(key, nowSeconds);
            }
        }
        nextDueNanos.keySet().retainAll(covered.keySet());
        windowStartSeconds.keySet().retainAll(covered.keySet());
        Set<Long> due = new HashSet<>();
        nextDueNanos.forEach((key, dueAt) -> {
            if (all || now - dueAt >= 0) {
                due.add(key);
            }
        });
        if (due.isEmpty()) {
            return;
        }
        due.forEach(key -> nextDueNanos.put(key, now + intervalNanos(covered.get(key))));
        FlowCounts drained = counts.drain(key -> due.contains(key));
        lostFlows += drained.lostFlows();
        if (drained.lostFlows() > 0) {
            log.warn("flow logs of host {}: {} flows lost to full flow tables", hostId, drained.lostFlows());
        }
        long wallMillis = wallClock.millis();
        for (FlowCount count : drained.flows()) {
            Port port = covered.get(FlowCount.localKey(count.vni(), count.localIp()));
            if (port != null) {
                enqueue(record(port, count, now, wallMillis).line());
            }
        }
        drained.lostFlowsByPort().forEach((key, flows) -> {
            Port port = covered.get(key);
            if (port != null) {
                long start = Math.min(windowStartSeconds.getOrDefault(key, nowSeconds), nowSeconds);
                enqueue(FlowLogRecord.skipData(port.getFlowLog().getAccountId(), port.getId(), start, nowSeconds)
                        .line());
            }
        });
        due.forEach(key -> windowStartSeconds.put(key, nowSeconds));
    }

    /** A counted direction as a record; start and end move from the VTEP's nano clock to Unix seconds. */
    static FlowLogRecord record(Port port, FlowCount count, long nowNanos, long wallMillis) {
        long end = (wallMillis - TimeUnit.NANOSECONDS.toMillis(nowNanos - count.lastNanos())) / 1000;
        long start = Math.min(end, (wallMillis - TimeUnit.NANOSECONDS.toMillis(nowNanos - count.firstNanos())) / 1000);
        boolean out = count.outbound();
        return new FlowLogRecord(
                port.getFlowLog().getAccountId(),
                port.getId(),
                out ? count.localIp() : count.peerIp(),
                out ? count.peerIp() : count.localIp(),
                out ? count.localPort() : count.peerPort(),
                out ? count.peerPort() : count.localPort(),
                count.protocol(),
                count.packets(),
                count.bytes(),
                start,
                end,
                count.accepted());
    }

    private void enqueue(String line) {
        if (pending.size() == MAX_PENDING) {
            pending.removeFirst();
            droppedRecords++;
        }
        pending.addLast(line);
    }

    private void post() throws ApiException {
        if (pending.isEmpty()) {
            return;
        }
        List<String> batch = new ArrayList<>(pending);
        api.reportFlowLogRecords(hostId, new FlowLogReport().records(batch));
        pending.clear();
    }

    private static long intervalNanos(Port port) {
        return TimeUnit.SECONDS.toNanos(port.getFlowLog().getIntervalSeconds());
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (ApiException | RuntimeException e) {
            log.debug("flow log report of {} failed, next tick retries: {}", hostId, e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
