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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Keeps an in-memory {@link NetworkSnapshot} in step with the store and recompiles the tables
 * of exactly the hosts a change touches. All of it runs on one thread, in commit order;
 * changes that queue up while a compile runs are merged into the next one.
 */
@Service
public class NetworkCompilation implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(NetworkCompilation.class);

    private final NetworkReader reader;
    private final SseSouthboundProvider streams;
    private final SouthboundService southbound;
    private final TableGenerations tableGenerations;
    private final ExecutorService compiler = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "table-compiler");
        thread.setDaemon(true);
        return thread;
    });
    private final LinkedBlockingQueue<StoreChange> pending = new LinkedBlockingQueue<>();
    private NetworkSnapshot snapshot;

    NetworkCompilation(
            NetworkReader reader,
            SseSouthboundProvider streams,
            SouthboundService southbound,
            TableGenerations tableGenerations) {
        this.reader = reader;
        this.streams = streams;
        this.southbound = southbound;
        this.tableGenerations = tableGenerations;
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
                        if (streams.desiredTable(hostId).isEmpty()
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
        publish(affected, change.commitNanos());
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
        southbound.changed(commitNanos, generations);
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
