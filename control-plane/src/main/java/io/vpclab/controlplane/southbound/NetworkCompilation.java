package io.vpclab.controlplane.southbound;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.controlplane.compiler.ForwardingTableCompiler;
import io.vpclab.controlplane.compiler.HostNode;
import io.vpclab.controlplane.compiler.NetworkSnapshot;
import io.vpclab.controlplane.compiler.PublicNetwork;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Keeps an in-memory {@link NetworkSnapshot} in step with the store and recompiles the tables
 * of exactly the hosts a change touches. All of it runs on one thread, in commit order;
 * changes that queue up while a compile runs are merged into the next one.
 *
 * <p>With several replicas every replica hears every change, but a host's agent follows one of
 * them: a replica compiles at once only the hosts whose agents it serves, and the others once no
 * change waits ({@link #DEFER_MILLIS} later, at most {@link #MAX_DEFER_MILLIS}), so that their
 * tables are ready if those agents move here. Compiling them at once would double the work on
 * each change's path and lock the rows the serving replica's acks update.
 */
@Service
public class NetworkCompilation implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(NetworkCompilation.class);

    static final long DEFER_MILLIS = 200;
    static final long MAX_DEFER_MILLIS = 2000;

    private final NetworkReader reader;
    private final SseSouthboundProvider streams;
    private final SouthboundService southbound;
    private final TableGenerations tableGenerations;
    private final boolean replicated;
    private final ScheduledExecutorService compiler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "table-compiler");
        thread.setDaemon(true);
        return thread;
    });
    private final LinkedBlockingQueue<StoreChange> pending = new LinkedBlockingQueue<>();
    private NetworkSnapshot snapshot;
    /** Changed hosts whose agents follow another replica, not compiled yet; compiler thread only. */
    private final Set<String> deferred = new TreeSet<>();

    private long deferredSinceNanos;
    private boolean flushScheduled;

    NetworkCompilation(
            NetworkReader reader,
            SseSouthboundProvider streams,
            SouthboundService southbound,
            TableGenerations tableGenerations,
            @Value("${vpclab.replicas.enabled:false}") boolean replicated) {
        this.reader = reader;
        this.streams = streams;
        this.southbound = southbound;
        this.tableGenerations = tableGenerations;
        this.replicated = replicated;
    }

    /** Queues a committed change; returns at once. */
    void submit(StoreChange change) {
        pending.add(change);
        compiler.execute(this::drain);
    }

    /** Makes sure the host has a table (its agent is about to subscribe); waits for it. */
    void ensureCompiled(String hostId) {
        try {
            compiler.submit(() -> {
                        loadIfNeeded();
                        boolean stale = deferred.remove(hostId);
                        if ((stale || streams.desiredTable(hostId).isEmpty())
                                && snapshot.hosts().containsKey(hostId)) {
                            publish(Set.of(hostId), System.nanoTime());
                        }
                    })
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("compiling the table of " + hostId + " failed", e.getCause());
        }
    }

    /**
     * Compiles the whole network before this replica reports itself ready (readiness follows this
     * event; a proxy sends it nothing before), so that the agents of a replica that died find
     * every table here already, rather than all waiting on the first one's subscription. After
     * the change feed has started, so no change falls between the load and the feed.
     */
    @EventListener(ApplicationReadyEvent.class)
    void compileEverything() {
        try {
            compiler.submit(() -> {
                        try {
                            loadIfNeeded();
                        } catch (RuntimeException e) {
                            log.warn(
                                    "compiling the network at start failed; compiling it on the first subscription", e);
                            snapshot = null;
                        }
                    })
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("compiling the network at start failed", e.getCause());
        }
    }

    /** The host's desired table, compiled first if it has none yet (empty for an unknown host). */
    public Optional<ForwardingTable> currentTable(String hostId) {
        ensureCompiled(hostId);
        return streams.desiredTable(hostId);
    }

    private void drain() {
        StoreChange merged = null;
        for (StoreChange next; (next = pending.poll()) != null; ) {
            merged = merged == null ? next : merged.merge(next);
        }
        if (merged == null) {
            return;
        }
        try {
            loadIfNeeded();
            apply(merged);
        } catch (RuntimeException e) {
            // the snapshot may now be stale: reload it whole on the next change
            log.error("compiling tables after {} failed; reloading the network on the next change", merged, e);
            snapshot = null;
        }
    }

    private void loadIfNeeded() {
        if (snapshot != null) {
            return;
        }
        Map<String, HostNode> hosts = reader.hosts();
        NetworkSnapshot loaded =
                new NetworkSnapshot(hosts, Map.of(), reader.activePeers(), reader.publicNetwork(hosts));
        for (String vpcId : reader.vpcIds()) {
            loaded = loaded.withVpc(vpcId, reader.vpc(vpcId).orElse(null));
        }
        snapshot = loaded;
        deferred.clear();
        publish(new TreeSet<>(snapshot.hosts().keySet()), System.nanoTime());
    }

    private void apply(StoreChange change) {
        NetworkSnapshot before = snapshot;
        NetworkSnapshot after = before;
        Set<String> affected = new TreeSet<>();
        for (String hostId : change.hostIds()) {
            Map<String, HostNode> nextHosts = new HashMap<>(after.hosts());
            HostNode previous = nextHosts.get(hostId);
            HostNode current = reader.host(hostId).orElse(null);
            if (Objects.equals(previous, current)) {
                continue;
            }
            if (current == null) {
                nextHosts.remove(hostId);
                streams.forget(hostId);
            } else {
                nextHosts.put(hostId, current);
                affected.add(hostId);
            }
            after = after.withHosts(nextHosts);
            // peers of the host's VPCs name it as a VTEP
            for (String vpcId : before.vpcsOn(hostId)) {
                affected.addAll(before.hostsAffectedBy(vpcId));
            }
        }
        if (!change.hostIds().isEmpty()) { // internet hosts appear when their VTEP host registers
            PublicNetwork nextPublic = reader.publicNetwork(after.hosts());
            if (!nextPublic.equals(after.publicNetwork())) {
                affected.addAll(after.publicHosts());
                after = after.withPublicNetwork(nextPublic);
                affected.addAll(after.publicHosts());
            }
        }
        Set<String> vpcIds = new LinkedHashSet<>(change.vpcIds());
        if (change.peerings()) {
            Map<String, Set<String>> peers = reader.activePeers();
            vpcIds.addAll(changedPeers(before, peers));
            after = after.withPeers(peers);
        }
        for (String vpcId : vpcIds) {
            affected.addAll(before.hostsAffectedBy(vpcId));
            after = after.withVpc(vpcId, reader.vpc(vpcId).orElse(null));
        }
        for (String vpcId : vpcIds) {
            affected.addAll(after.hostsAffectedBy(vpcId));
        }
        snapshot = after;
        affected.retainAll(after.hosts().keySet());
        if (replicated) {
            publishHereDeferOthers(affected, change.commitNanos());
        } else {
            publish(affected, change.commitNanos());
        }
    }

    private void publishHereDeferOthers(Set<String> affected, long commitNanos) {
        Set<String> here = new TreeSet<>();
        for (String hostId : affected) {
            if (southbound.isConnectedHere(hostId)) {
                here.add(hostId);
                deferred.remove(hostId);
            } else {
                if (deferred.isEmpty()) {
                    deferredSinceNanos = System.nanoTime();
                }
                deferred.add(hostId);
            }
        }
        publish(here, commitNanos);
        scheduleDeferred();
    }

    private void scheduleDeferred() {
        if (!deferred.isEmpty() && !flushScheduled) {
            flushScheduled = true;
            compiler.schedule(this::compileDeferred, DEFER_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Compiles the deferred hosts, unless a change waits and they have not waited too long. */
    private void compileDeferred() {
        flushScheduled = false;
        if (deferred.isEmpty()) {
            return;
        }
        long waited = System.nanoTime() - deferredSinceNanos;
        if (!pending.isEmpty() && waited < TimeUnit.MILLISECONDS.toNanos(MAX_DEFER_MILLIS)) {
            scheduleDeferred();
            return;
        }
        try {
            loadIfNeeded();
            Set<String> hostIds = new TreeSet<>(deferred);
            deferred.clear();
            hostIds.retainAll(snapshot.hosts().keySet());
            southbound.published(publishedGenerations(hostIds));
        } catch (RuntimeException e) {
            log.error(
                    "compiling the tables of other replicas' hosts failed; reloading the network on the next change",
                    e);
            snapshot = null;
        }
    }

    private static Set<String> changedPeers(NetworkSnapshot before, Map<String, Set<String>> peers) {
        Set<String> changed = new TreeSet<>();
        Set<String> vpcs = new TreeSet<>(peers.keySet());
        vpcs.addAll(before.vpcs().keySet());
        for (String vpcId : vpcs) {
            if (!before.peersOf(vpcId).equals(peers.getOrDefault(vpcId, Set.of()))) {
                changed.add(vpcId);
            }
        }
        return changed;
    }

    private void publish(Set<String> hostIds, long commitNanos) {
        southbound.changed(commitNanos, publishedGenerations(hostIds));
    }

    /** Compiles and publishes the hosts' tables; returns the hosts whose generation moved. */
    private Map<String, Long> publishedGenerations(Set<String> hostIds) {
        if (hostIds.isEmpty()) {
            return Map.of();
        }
        Map<String, ForwardingTable> tables = new HashMap<>();
        Map<String, Long> before = new HashMap<>();
        for (String hostId : hostIds) {
            tables.put(hostId, ForwardingTableCompiler.compile(snapshot, hostId, 0));
            before.put(
                    hostId,
                    streams.desiredTable(hostId)
                            .map(ForwardingTable::getGeneration)
                            .orElse(-1L));
        }
        // a host deregistered meanwhile gets no generation: its HostChanged follows
        Map<String, Long> generations = new HashMap<>(streams.publish(tables, tableGenerations::allocate));
        generations.entrySet().removeIf(moved -> moved.getValue().equals(before.get(moved.getKey())));
        return generations;
    }

    /**
     * Reads the whole network again and publishes what differs (hosts gone are forgotten): after
     * this replica may have missed changes made on another. Returns at once.
     */
    void resync() {
        compiler.execute(() -> {
            try {
                snapshot = null;
                loadIfNeeded();
                streams.hostIds().stream()
                        .filter(hostId -> !snapshot.hosts().containsKey(hostId))
                        .forEach(streams::forget);
            } catch (RuntimeException e) {
                log.error("resynchronising the network failed; reloading it on the next change", e);
                snapshot = null;
            }
        });
    }

    @Override
    public void destroy() {
        compiler.shutdownNow();
    }
}
