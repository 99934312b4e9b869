package io.vpclab.controlplane.southbound;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.controlplane.host.Host;
import io.vpclab.controlplane.host.HostService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Hears from agents: records acknowledged generations, connection status and convergence on
 * the host, and hands probe results to whoever waits for them.
 */
@Service
class SouthboundService implements SouthboundProviderService, ProbeAnswers, SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(SouthboundService.class);

    private final HostService hosts;
    private final Convergence convergence = new Convergence();
    private final Timer convergenceTimer;
    private final Map<String, PendingProbe> pendingProbes = new ConcurrentHashMap<>();
    private final Map<String, HostGauges> gauges = new ConcurrentHashMap<>();
    static final int RECENT = 1000;
    private final ArrayDeque<Long> recent = new ArrayDeque<>();
    private long completedChanges;
    private final MeterRegistry meters;
    private final boolean replicated;
    private final ReplicaIdentity replica;
    /** Hosts whose agent follows a stream of this replica. */
    private final Set<String> connectedHere = ConcurrentHashMap.newKeySet();
    /** Hands an answer to the replica waiting for it; absent with one replica. */
    private final ObjectProvider<AgentRelay> relay;

    SouthboundService(
            HostService hosts,
            MeterRegistry meters,
            @Value("${vpclab.replicas.enabled:false}") boolean replicated,
            ReplicaIdentity replica,
            ObjectProvider<AgentRelay> relay) {
        this.hosts = hosts;
        this.meters = meters;
        this.replicated = replicated;
        this.replica = replica;
        this.relay = relay;
        this.convergenceTimer = Timer.builder("vpclab.convergence")
                .description("API commit to the last affected agent's ack")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }

    /**
     * Runs before the web server takes requests: a host the store shows connected was connected
     * to an earlier run of this server (which may have been killed without a word), so it is
     * disconnected until its agent follows this server's stream. Not with replicas: the other
     * replicas' agents are connected.
     */
    @Override
    public void afterSingletonsInstantiated() {
        if (replicated) {
            return;
        }
        int stale = hosts.markAllDisconnected();
        if (stale > 0) {
            log.info(
                    "{} hosts were connected to an earlier run of this server; disconnected until their agents reconnect",
                    stale);
        }
    }

    /** A committed change gave these hosts new generations; start its convergence clock. */
    void changed(long commitNanos, Map<String, Long> generations) {
        convergence.changed(commitNanos, generations, System.nanoTime(), this::recordConvergence);
        generations.forEach((hostId, generation) -> gauges(hostId).desired.set(generation));
    }

    private void recordConvergence(long nanos) {
        convergenceTimer.record(nanos, TimeUnit.NANOSECONDS);
        synchronized (recent) {
            completedChanges++;
            recent.addLast(nanos);
            if (recent.size() > RECENT) {
                recent.removeFirst();
            }
        }
    }

    /** Per-host figures for Prometheus, the same as the host resource shows. */
    private HostGauges gauges(String hostId) {
        return gauges.computeIfAbsent(hostId, id -> {
            HostGauges created = new HostGauges();
            Gauge.builder("vpclab.host.generation.desired", created.desired, AtomicLong::get)
                    .tag("host", id)
                    .description("Generation of the latest table compiled for the host")
                    .register(meters);
            Gauge.builder("vpclab.host.generation.applied", created.applied, AtomicLong::get)
                    .tag("host", id)
                    .description("Latest generation the host's agent acknowledged")
                    .register(meters);
            Gauge.builder("vpclab.host.connected", created.connected, AtomicLong::get)
                    .tag("host", id)
                    .description("1 while the host's agent follows its table stream")
                    .register(meters);
            return created;
        });
    }

    private static final class HostGauges {
        final AtomicLong desired = new AtomicLong();
        final AtomicLong applied = new AtomicLong();
        final AtomicLong connected = new AtomicLong();
    }

    long lastConvergenceMillis() {
        return convergence.lastMillis();
    }

    /** How many changes have converged since start. */
    long completedChanges() {
        synchronized (recent) {
            return completedChanges;
        }
    }

    /** Commit -> last ack of the most recent completed changes, oldest first (at most {@value #RECENT}). */
    List<Long> recentConvergenceNanos() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    @Override
    public void acknowledged(String hostId, long generation) {
        OptionalLong millis = convergence.acknowledged(hostId, generation, System.nanoTime(), this::recordConvergence);
        gauges(hostId).applied.accumulateAndGet(generation, Math::max);
        hosts.recordAcknowledged(hostId, generation, millis, Instant.now());
    }

    @Override
    public void connected(String hostId) {
        connectedHere.add(hostId);
        markSeen(hostId, Host.Status.CONNECTED);
    }

    @Override
    public void disconnected(String hostId) {
        connectedHere.remove(hostId);
        markSeen(hostId, Host.Status.DISCONNECTED);
    }

    /** Whether the host's agent follows a stream of this replica. */
    boolean isConnectedHere(String hostId) {
        return connectedHere.contains(hostId);
    }

    /** Shows every host this replica serves as connected here again (after its lease was dropped). */
    void reassertConnections() {
        connectedHere.forEach(hostId -> markSeen(hostId, Host.Status.CONNECTED));
    }

    private void markSeen(String hostId, Host.Status status) {
        gauges(hostId).connected.set(status == Host.Status.CONNECTED ? 1 : 0);
        try {
            if (status == Host.Status.CONNECTED) {
                hosts.recordConnected(hostId, replica.id(), Instant.now());
            } else {
                hosts.recordDisconnected(hostId, replica.id(), Instant.now());
            }
        } catch (RuntimeException e) {
            // the host may have been deregistered while its stream closed
            log.debug("status {} of {} not recorded: {}", status, hostId, e.toString());
        }
    }

    /**
     * An agent's answer: handed to the request waiting for it here, else (several replicas) to
     * the replica that waits for it, since an agent answers through whichever replica it reaches.
     */
    @Override
    public void probeResult(String hostId, ProbeResult result) {
        if (!answerHere(hostId, result)) {
            AgentRelay toOthers = relay.getIfAvailable();
            if (toOthers != null) {
                toOthers.toWaitingReplica(hostId, result);
            }
        }
    }

    /** Whether a request of this replica waits for {@code requestId}. */
    boolean awaits(String requestId) {
        return requestId != null && pendingProbes.containsKey(requestId);
    }

    /** Hands the answer to the request waiting here; false when none waits for it. */
    boolean answerHere(String hostId, ProbeResult result) {
        PendingProbe waiting = pendingProbes.get(result.getRequestId());
        // only the host that was asked may answer
        if (waiting != null && waiting.hostId().equals(hostId)) {
            if (Boolean.TRUE.equals(result.getPartial())) {
                waiting.partials().accept(result);
                return true;
            }
            pendingProbes.remove(result.getRequestId());
            waiting.result().complete(result);
            return true;
        }
        return false;
    }

    @Override
    public CompletableFuture<ProbeResult> expect(
            String hostId, ProbeRequest request, Duration timeout, Consumer<ProbeResult> partials) {
        CompletableFuture<ProbeResult> future =
                new CompletableFuture<ProbeResult>().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        pendingProbes.put(request.getRequestId(), new PendingProbe(hostId, future, partials));
        future.whenComplete((result, failure) -> pendingProbes.remove(request.getRequestId()));
        return future;
    }

    private record PendingProbe(String hostId, CompletableFuture<ProbeResult> result, Consumer<ProbeResult> partials) {}
}
