package io.vpclab.controlplane.southbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vpclab.client.model.CaptureCommand;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.TableDelta;
import io.vpclab.client.table.TableEventId;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.ObjectMapper;

/**
 * The table streams of all hosts. Publishing and subscribing share one lock so a subscriber
 * never misses or doubles a delta between its snapshot and the next change; both only queue
 * events, which a small pool of writers sends ({@link OutboundStream}), so no thread waits per
 * stream and no agent waits for another.
 *
 * <p>Every event id names the store's incarnation ({@link StreamIncarnation}) with the
 * generation, which the store allocated: the id means the same table on every replica and
 * after a restart, so an agent that moves or reconnects resumes with the deltas this replica
 * holds since its generation. An id of another store gets a snapshot.
 */
@Component
class SseSouthboundProvider implements SouthboundProvider, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SseSouthboundProvider.class);

    /** Comments keep idle connections from being cut and let both ends notice a dead peer. */
    static final long KEEPALIVE_SECONDS = 5;
    /**
     * How long a stream may wait for this replica to reach the generation its agent holds; the
     * change feed brings it within a poll interval, so a longer wait means it never will, and the
     * stream is closed (the agent reconnects, perhaps to another replica).
     */
    static final long AHEAD_PATIENCE_SECONDS = 15;

    private final String incarnation;
    /** This process among the replicas (random per start): the origin of the changes it announces. */
    private final String replicaId = HexFormat.of().toHexDigits(new SecureRandom().nextLong());

    private final ObjectMapper json;
    private final Counter pushedBytes;
    private final Counter pushedEvents;
    private final Counter pushedSnapshots;
    private final SouthboundProviderService hosts;
    private final Map<String, HostTableLog> logs = new HashMap<>();
    private final Map<String, Set<OutboundStream>> subscribers = new ConcurrentHashMap<>();
    /** Streams whose agent holds a later generation than this replica's log (see {@link #subscribe}). */
    private final Map<OutboundStream, Ahead> ahead = new ConcurrentHashMap<>();

    private final ExecutorService writers;
    private final ScheduledExecutorService keepalive = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "table-stream-keepalive");
        thread.setDaemon(true);
        return thread;
    });

    SseSouthboundProvider(
            ObjectMapper json,
            SouthboundProviderService hosts,
            MeterRegistry meters,
            StreamIncarnation incarnation,
            @Value("${vpclab.table-stream.writers:4}") int writerThreads) {
        this.incarnation = incarnation.value();
        AtomicInteger writerNumber = new AtomicInteger();
        this.writers = Executors.newFixedThreadPool(writerThreads, r -> {
            Thread thread = new Thread(r, "table-stream-writer-" + writerNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        // absent means empty to the agent's generated model, so nulls and empty lists need not travel
        this.json = json.rebuild()
                .changeDefaultPropertyInclusion(
                        inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_EMPTY))
                .build();
        this.hosts = hosts;
        this.pushedBytes = Counter.builder("vpclab.table.stream.bytes")
                .description("JSON bytes of snapshots and deltas sent to agents")
                .baseUnit("bytes")
                .register(meters);
        this.pushedEvents = Counter.builder("vpclab.table.stream.events")
                .description("Snapshots and deltas sent to agents")
                .register(meters);
        this.pushedSnapshots = Counter.builder("vpclab.table.stream.snapshots")
                .description("Whole tables sent to agents (a first table, or a stream that could not resume)")
                .register(meters);
        keepalive.scheduleWithFixedDelay(this::sendKeepalives, KEEPALIVE_SECONDS, KEEPALIVE_SECONDS, TimeUnit.SECONDS);
    }

    /** The store's incarnation: the first part of every event id, and what acks must name. */
    String incarnation() {
        return incarnation;
    }

    /** This process among the replicas, random per start. */
    String replicaId() {
        return replicaId;
    }

    /** Allocates generations for the tables of several hosts at once (see {@link TableGenerations#allocate}). */
    @FunctionalInterface
    interface Allocator {
        /** @return host -> generation for each host of {@code digests}; a host that is gone is absent */
        Map<String, Long> allocate(Map<String, String> digests);
    }

    /**
     * Publishes tables whose generation fields are ignored: a host whose table did not change
     * gets nothing, the others get the generations {@code allocator} gives for their tables'
     * digests, all in one call (a snapshot for a host's first table since this process
     * started, else a delta).
     *
     * @return host -> its generation after the call; a host that is gone is absent
     */
    synchronized Map<String, Long> publish(Map<String, ForwardingTable> tables, Allocator allocator) {
        Map<String, Long> generations = new HashMap<>();
        Map<String, Change> changes = new HashMap<>();
        tables.forEach((hostId, table) -> {
            HostTableLog hostLog = logs.get(hostId);
            TableDelta delta = hostLog == null ? null : hostLog.changesTo(table);
            if (hostLog != null && delta == null) {
                generations.put(hostId, hostLog.generation());
            } else {
                changes.put(hostId, new Change(table, delta, digest(table)));
            }
        });
        if (changes.isEmpty()) {
            return generations;
        }
        Map<String, String> digests = new HashMap<>(); // the allocator takes the hosts in order
        changes.forEach((hostId, change) -> digests.put(hostId, change.digest()));
        Map<String, Long> allocated = allocator.allocate(digests);
        changes.forEach((hostId, change) -> {
            Long generation = allocated.get(hostId);
            if (generation != null) {
                generations.put(hostId, apply(hostId, change, generation));
            }
        });
        return generations;
    }

    /** A host's new table, what it changes in the held one (null for a first table), and its digest. */
    private record Change(ForwardingTable table, TableDelta delta, String digest) {}

    private long apply(String hostId, Change change, long generation) {
        ForwardingTable table = change.table();
        table.setGeneration(generation);
        HostTableLog hostLog = logs.get(hostId);
        if (hostLog == null) {
            logs.put(hostId, new HostTableLog(table, change.digest()));
            send(hostId, "snapshot", generation, table);
            return generation;
        }
        if (generation <= hostLog.generation()) {
            // the database knows this table by an older number than the one held: a stale compile, keep ours
            return hostLog.generation();
        }
        TableDelta delta = hostLog.advance(table, change.digest(), change.delta());
        send(hostId, "delta", generation, delta);
        return generation;
    }

    /**
     * Another replica allocated {@code generation} for the table this replica holds for the host
     * (same digest): agents here move to that number with an empty delta. Returns whether it did.
     */
    synchronized boolean relabel(String hostId, String digest, long generation) {
        HostTableLog hostLog = logs.get(hostId);
        if (hostLog == null || !hostLog.digest().equals(digest) || generation <= hostLog.generation()) {
            return false;
        }
        TableDelta delta = hostLog.relabel(generation);
        send(hostId, "delta", delta.getGeneration(), delta);
        return true;
    }

    /** SHA-256 of the table's JSON without its generation: equal tables compile to equal JSON. */
    private String digest(ForwardingTable table) {
        Long generation = table.getGeneration();
        table.setGeneration(null);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(table)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        } finally {
            table.setGeneration(generation);
        }
    }

    @Override
    public synchronized void forget(String hostId) {
        logs.remove(hostId);
        Set<OutboundStream> streams = subscribers.remove(hostId);
        if (streams != null) {
            streams.forEach(stream -> {
                ahead.remove(stream);
                stream.close();
            });
        }
    }

    @Override
    public synchronized Optional<ForwardingTable> desiredTable(String hostId) {
        return Optional.ofNullable(logs.get(hostId)).map(HostTableLog::current);
    }

    /** The hosts this replica holds a table for. */
    synchronized List<String> hostIds() {
        return List.copyOf(logs.keySet());
    }

    /** The generation since which the port stands as it is in the host's desired table; empty when it is not there. */
    synchronized OptionalLong portSince(String hostId, String portId) {
        HostTableLog hostLog = logs.get(hostId);
        return hostLog == null ? OptionalLong.empty() : hostLog.portSince(portId);
    }

    @Override
    public boolean sendProbe(String hostId, ProbeRequest request) {
        return sendToOne(hostId, "probe", request);
    }

    @Override
    public boolean sendCapture(String hostId, CaptureCommand command) {
        return sendToOne(hostId, "capture", command);
    }

    /** A request for one agent (no generation): the first stream of the host carries it. */
    private boolean sendToOne(String hostId, String name, Object payload) {
        Set<OutboundStream> streams = subscribers.get(hostId);
        if (streams == null || streams.isEmpty()) {
            return false;
        }
        return streams.iterator().next().offer(SseEmitter.event().name(name).data(json.writeValueAsString(payload)));
    }

    /**
     * Opens a stream: the deltas after {@code lastEventId} when it names this store's incarnation
     * and this replica's log holds them (a generation means one table on every replica, so the
     * agent may come from another), else a snapshot. A host with no table yet gets its snapshot as
     * soon as one is published. An agent that holds a later generation than this replica (another
     * replica's change, not read here yet) gets nothing until this replica's log reaches it, so its
     * table never goes back: then the deltas after it, or a snapshot of a later table.
     */
    synchronized SseEmitter subscribe(String hostId, TableEventId lastEventId) {
        SseEmitter emitter = new SseEmitter(0L);
        Set<OutboundStream> streams = subscribers.computeIfAbsent(hostId, h -> ConcurrentHashMap.newKeySet());
        OutboundStream stream = new OutboundStream(emitter, writers, failure -> {
            log.debug("stream of {} is gone: {}", hostId, failure.toString());
            unsubscribe(hostId, emitter);
        });
        emitter.onCompletion(() -> unsubscribe(hostId, emitter));
        emitter.onError(e -> unsubscribe(hostId, emitter));
        emitter.onTimeout(() -> unsubscribe(hostId, emitter));
        HostTableLog hostLog = logs.get(hostId);
        boolean sameStore = lastEventId != null && lastEventId.incarnation().equals(incarnation);
        if (sameStore && (hostLog == null || lastEventId.generation() > hostLog.generation())) {
            ahead.put(stream, new Ahead(lastEventId.generation(), System.nanoTime()));
        } else if (hostLog != null) {
            resume(stream, hostLog, sameStore ? lastEventId.generation() : -1);
        }
        streams.add(stream);
        hosts.connected(hostId);
        return emitter;
    }

    /** The deltas after {@code generation} when the log holds them, else a snapshot. */
    private void resume(OutboundStream stream, HostTableLog hostLog, long generation) {
        Optional<List<TableDelta>> resumed = generation < 0 ? Optional.empty() : hostLog.since(generation);
        if (resumed.isPresent()) {
            for (TableDelta delta : resumed.get()) {
                stream.offer(event("delta", delta.getGeneration(), delta));
            }
        } else {
            stream.offer(event("snapshot", hostLog.generation(), hostLog.current()));
        }
    }

    /** A stream whose agent holds {@code generation}, waiting since {@code sinceNanos} for this replica to reach it. */
    private record Ahead(long generation, long sinceNanos) {}

    /** Resumes a stream that was {@link #ahead} once the host's log has reached its agent's generation. */
    private void catchUp(HostTableLog hostLog, OutboundStream stream, Ahead waiting) {
        if (hostLog.generation() >= waiting.generation() && ahead.remove(stream) != null) {
            resume(stream, hostLog, waiting.generation());
        }
    }

    /** Closes the streams that waited too long for this replica to reach their agents' tables. */
    private void dropStaleAhead() {
        long patience = TimeUnit.SECONDS.toNanos(AHEAD_PATIENCE_SECONDS);
        ahead.forEach((stream, waiting) -> {
            if (System.nanoTime() - waiting.sinceNanos() > patience && ahead.remove(stream) != null) {
                log.info(
                        "an agent holds generation {}, which this replica did not reach in {} s: closing its stream",
                        waiting.generation(),
                        AHEAD_PATIENCE_SECONDS);
                stream.close();
            }
        });
    }

    private void unsubscribe(String hostId, SseEmitter emitter) {
        ahead.keySet().removeIf(stream -> stream.emitter() == emitter);
        Set<OutboundStream> streams = subscribers.get(hostId);
        if (streams != null && streams.removeIf(stream -> stream.emitter() == emitter) && streams.isEmpty()) {
            hosts.disconnected(hostId);
        }
    }

    private void send(String hostId, String name, long generation, Object payload) {
        Set<OutboundStream> streams = subscribers.get(hostId);
        if (streams == null || streams.isEmpty()) {
            return;
        }
        String data = json.writeValueAsString(payload);
        log.debug("{} {} to {}: {}", name, generation, hostId, data);
        for (OutboundStream stream : streams) {
            Ahead waiting = ahead.get(stream);
            if (waiting != null) {
                catchUp(logs.get(hostId), stream, waiting);
                continue;
            }
            count(name, data);
            // a builder accumulates text as it is built, so each stream gets its own
            stream.offer(SseEmitter.event().id(eventId(generation)).name(name).data(data));
        }
    }

    private SseEmitter.SseEventBuilder event(String name, long generation, Object payload) {
        String data = json.writeValueAsString(payload);
        count(name, data);
        return SseEmitter.event().id(eventId(generation)).name(name).data(data);
    }

    private String eventId(long generation) {
        return new TableEventId(incarnation, generation).toString();
    }

    private void count(String name, String data) {
        pushedBytes.increment(data.length());
        pushedEvents.increment();
        if (name.equals("snapshot")) {
            pushedSnapshots.increment();
        }
    }

    /** Only to streams with nothing queued: any event shows the agent the stream is alive. */
    private void sendKeepalives() {
        synchronized (this) {
            dropStaleAhead();
        }
        subscribers.values().forEach(streams -> {
            for (OutboundStream stream : streams) {
                if (stream.idle()) {
                    stream.offer(SseEmitter.event().comment("keepalive"));
                }
            }
        });
    }

    /**
     * Ends every stream as soon as the server starts to close: a graceful web-server shutdown
     * waits for open requests, and a table stream never ends by itself. Agents reconnect.
     */
    @EventListener(ContextClosedEvent.class)
    void closeStreams() {
        subscribers.values().forEach(streams -> streams.forEach(OutboundStream::close));
    }

    @Override
    public void destroy() {
        keepalive.shutdownNow();
        closeStreams();
        writers.shutdownNow();
    }
}
