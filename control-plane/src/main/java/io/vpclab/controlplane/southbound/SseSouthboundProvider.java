package io.vpclab.controlplane.southbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vpclab.client.model.CaptureCommand;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.TableDelta;
import io.vpclab.client.table.TableEventId;
import java.io.IOException;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.ObjectMapper;

/**
 * The table streams of all hosts. Publishing and subscribing share one lock so a subscriber
 * never misses or doubles a delta between its snapshot and the next change.
 *
 * <p>Every event id names this server's incarnation (random per start) with the generation,
 * because the logs live in memory: after a restart the same generation number may stand for
 * another table, so an agent that names another incarnation gets a snapshot, never a delta.
 */
@Component
class SseSouthboundProvider implements SouthboundProvider, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SseSouthboundProvider.class);

    /** Comments keep idle connections from being cut and let both ends notice a dead peer. */
    static final long KEEPALIVE_SECONDS = 5;

    private final String incarnation = HexFormat.of().toHexDigits(new SecureRandom().nextLong());
    private final ObjectMapper json;
    private final Counter pushedBytes;
    private final Counter pushedEvents;
    private final SouthboundProviderService hosts;
    private final Map<String, HostTableLog> logs = new HashMap<>();
    private final Map<String, Set<SseEmitter>> subscribers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService keepalive = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "table-stream-keepalive");
        thread.setDaemon(true);
        return thread;
    });

    SseSouthboundProvider(ObjectMapper json, SouthboundProviderService hosts, MeterRegistry meters) {
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
        keepalive.scheduleWithFixedDelay(this::sendKeepalives, KEEPALIVE_SECONDS, KEEPALIVE_SECONDS, TimeUnit.SECONDS);
    }

    /** This server run's incarnation: the first part of every event id, and what acks must name. */
    String incarnation() {
        return incarnation;
    }

    /**
     * Publishes a table whose generation field is ignored: a host whose table did not change
     * gets nothing, another gets the generation {@code allocate} gives for the table's digest
     * (a snapshot for the host's first table since this process started, else a delta).
     *
     * @param allocate (host, digest) -> generation, empty when the host is gone
     * @return the host's generation after the call; empty when the host is gone
     */
    synchronized OptionalLong publish(
            String hostId, ForwardingTable table, BiFunction<String, String, OptionalLong> allocate) {
        HostTableLog hostLog = logs.get(hostId);
        if (hostLog != null && hostLog.unchanged(table)) {
            return OptionalLong.of(hostLog.generation());
        }
        String digest = digest(table);
        OptionalLong generation = allocate.apply(hostId, digest);
        if (generation.isEmpty()) {
            return generation;
        }
        table.setGeneration(generation.getAsLong());
        if (hostLog == null) {
            logs.put(hostId, new HostTableLog(table, digest));
            send(hostId, "snapshot", table.getGeneration(), table);
        } else if (table.getGeneration() <= hostLog.generation()) {
            // the database knows this table by an older number than the one held: a stale compile, keep ours
            return OptionalLong.of(hostLog.generation());
        } else {
            TableDelta delta = hostLog.advance(table, digest);
            send(hostId, "delta", delta.getGeneration(), delta);
        }
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
        Set<SseEmitter> emitters = subscribers.remove(hostId);
        if (emitters != null) {
            emitters.forEach(SseSouthboundProvider::completeQuietly);
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
        Set<SseEmitter> emitters = subscribers.get(hostId);
        if (emitters == null || emitters.isEmpty()) {
            return false;
        }
        SseEmitter first = emitters.iterator().next();
        return trySend(hostId, first, SseEmitter.event().name(name).data(json.writeValueAsString(payload)));
    }

    /**
     * Opens a stream: the deltas after {@code lastEventId} when it names this incarnation and the
     * log still holds them, else a snapshot. A host with no table yet gets its snapshot as soon as
     * one is published.
     */
    synchronized SseEmitter subscribe(String hostId, TableEventId lastEventId) {
        SseEmitter emitter = new SseEmitter(0L);
        Set<SseEmitter> emitters = subscribers.computeIfAbsent(hostId, h -> ConcurrentHashMap.newKeySet());
        emitter.onCompletion(() -> unsubscribe(hostId, emitter));
        emitter.onError(e -> unsubscribe(hostId, emitter));
        emitter.onTimeout(() -> unsubscribe(hostId, emitter));
        HostTableLog hostLog = logs.get(hostId);
        if (hostLog != null) {
            Optional<List<TableDelta>> resumed =
                    lastEventId == null || !lastEventId.incarnation().equals(incarnation)
                            ? Optional.empty()
                            : hostLog.since(lastEventId.generation());
            if (resumed.isPresent()) {
                for (TableDelta delta : resumed.get()) {
                    trySend(hostId, emitter, event("delta", delta.getGeneration(), delta));
                }
            } else {
                trySend(hostId, emitter, event("snapshot", hostLog.generation(), hostLog.current()));
            }
        }
        emitters.add(emitter);
        hosts.connected(hostId);
        return emitter;
    }

    private void unsubscribe(String hostId, SseEmitter emitter) {
        Set<SseEmitter> emitters = subscribers.get(hostId);
        if (emitters != null && emitters.remove(emitter) && emitters.isEmpty()) {
            hosts.disconnected(hostId);
        }
    }

    private void send(String hostId, String name, long generation, Object payload) {
        Set<SseEmitter> emitters = subscribers.get(hostId);
        if (emitters == null || emitters.isEmpty()) {
            return;
        }
        String data = json.writeValueAsString(payload);
        log.debug("{} {} to {}: {}", name, generation, hostId, data);
        for (SseEmitter emitter : emitters) {
            count(data);
            // a builder accumulates text as it is built, so each emitter gets its own
            trySend(
                    hostId,
                    emitter,
                    SseEmitter.event().id(eventId(generation)).name(name).data(data));
        }
    }

    private SseEmitter.SseEventBuilder event(String name, long generation, Object payload) {
        String data = json.writeValueAsString(payload);
        count(data);
        return SseEmitter.event().id(eventId(generation)).name(name).data(data);
    }

    private String eventId(long generation) {
        return new TableEventId(incarnation, generation).toString();
    }

    private void count(String data) {
        pushedBytes.increment(data.length());
        pushedEvents.increment();
    }

    private boolean trySend(String hostId, SseEmitter emitter, SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
            return true;
        } catch (IOException | IllegalStateException e) {
            log.debug("stream of {} is gone: {}", hostId, e.toString());
            emitter.completeWithError(e);
            unsubscribe(hostId, emitter);
            return false;
        }
    }

    private void sendKeepalives() {
        subscribers.forEach((hostId, emitters) -> {
            for (SseEmitter emitter : emitters) {
                trySend(hostId, emitter, SseEmitter.event().comment("keepalive"));
            }
        });
    }

    /**
     * Ends every stream as soon as the server starts to close: a graceful web-server shutdown
     * waits for open requests, and a table stream never ends by itself. Agents reconnect.
     */
    @EventListener(ContextClosedEvent.class)
    void closeStreams() {
        subscribers.values().forEach(emitters -> emitters.forEach(SseSouthboundProvider::completeQuietly));
    }

    @Override
    public void destroy() {
        keepalive.shutdownNow();
        closeStreams();
    }

    /** At shutdown the web server may already have recycled the response; the agent reconnects anyway. */
    private static void completeQuietly(SseEmitter emitter) {
        try {
            emitter.complete();
        } catch (IllegalStateException alreadyGone) {
            log.debug("stream already closed by the server: {}", alreadyGone.getMessage());
        }
    }
}
