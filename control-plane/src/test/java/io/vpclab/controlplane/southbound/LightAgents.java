package io.vpclab.controlplane.southbound;

import io.vpclab.agent.southbound.SseEvent;
import io.vpclab.agent.southbound.SseParser;
import io.vpclab.agent.table.TableTranslator;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.TableAck;
import io.vpclab.client.model.TableDelta;
import io.vpclab.client.table.TableDiff;
import io.vpclab.client.table.TableEventId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Many agents' table streams in one JVM without a thread per agent: one HTTP client (one
 * selector thread) and a few worker threads serve them all. Each agent follows its host's stream
 * as the real agent does (snapshot, deltas on exactly the held generation, {@code Last-Event-ID}
 * on reconnect, the next replica when one fails), validates every table with the agent's own
 * {@link TableTranslator}, and acknowledges it; there is no data plane. For the fan-out tests and
 * {@code bin/bench-convergence --light}.
 */
public final class LightAgents implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration RECONNECT_DELAY = Duration.ofMillis(100);
    private static final int MAX_EVENT_CHARS = 64 * 1024 * 1024;

    private final String token;
    private final ExecutorService workers;
    private final ScheduledExecutorService reconnects;
    private final HttpClient http;
    private final List<Agent> agents = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final AtomicLong ackRetries = new AtomicLong();
    /** Why acks were sent again: the failure's class and message, or the HTTP status. */
    private final Map<String, AtomicLong> ackRetryCauses = new ConcurrentHashMap<>();

    /** @param token a token every host accepts (the admin's) */
    public LightAgents(String token, int workerThreads) {
        this.token = token;
        AtomicInteger number = new AtomicInteger();
        this.workers =
                Executors.newFixedThreadPool(workerThreads, r -> daemon(r, "light-agent-" + number.incrementAndGet()));
        this.reconnects = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "light-agent-reconnect"));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(workers)
                .build();
    }

    /** Starts following {@code hostId}'s stream on the first of {@code replicas}, moving on when one fails. */
    public Agent follow(String hostId, List<URI> replicas) {
        Agent agent = new Agent(hostId, replicas);
        agents.add(agent);
        agent.connect();
        return agent;
    }

    @Override
    public void close() {
        closed = true;
        reconnects.shutdownNow();
        for (Agent agent : agents) {
            Agent.Stream stream = agent.current;
            if (stream != null) {
                stream.end();
            }
        }
        workers.shutdownNow();
    }

    /** Acks sent again after no answer or a server error, over the whole fleet. */
    public long ackRetries() {
        return ackRetries.get();
    }

    /** {@link #ackRetries} by cause, so far. */
    public Map<String, Long> ackRetryCauses() {
        Map<String, Long> causes = new TreeMap<>();
        ackRetryCauses.forEach((cause, count) -> causes.put(cause, count.get()));
        return causes;
    }

    private void countRetry(HttpResponse<?> response, Throwable failure) {
        ackRetries.incrementAndGet();
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String why = cause == null
                ? "HTTP " + response.statusCode()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        ackRetryCauses.computeIfAbsent(why, k -> new AtomicLong()).incrementAndGet();
    }

    /** The live threads of every fleet in this JVM: workers and reconnect timer (each fleet adds one HTTP selector). */
    public static int threads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(name -> name.startsWith("light-agent"))
                .count();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** One host's agent: what it holds, and which replica it follows. */
    public final class Agent {

        private final String hostId;
        private final List<URI> replicas;
        private final AtomicInteger replicaIndex = new AtomicInteger();
        private final AtomicReference<Held> held = new AtomicReference<>();
        private final AtomicLong snapshots = new AtomicLong();
        private final AtomicLong deltas = new AtomicLong();
        private final AtomicLong acked = new AtomicLong(-1);
        private volatile long ackedAtNanos;
        private volatile long heldAtNanos;
        /** When the ack of the generation last acknowledged was sent (its last attempt). */
        private volatile long ackSentAtNanos;

        private volatile Stream current;

        private Agent(String hostId, List<URI> replicas) {
            this.hostId = hostId;
            this.replicas = List.copyOf(replicas);
        }

        public String hostId() {
            return hostId;
        }

        /** The generation of the table held, -1 before the first. */
        public long generation() {
            Held now = held.get();
            return now == null ? -1 : now.eventId().generation();
        }

        /** The latest generation the control plane answered an ack of with 204, -1 before any. */
        public long acknowledged() {
            return acked.get();
        }

        /** {@link System#nanoTime} when the latest table was applied, before its ack was sent. */
        public long heldAtNanos() {
            return heldAtNanos;
        }

        /** {@link System#nanoTime} when the answer to the latest acknowledged generation's ack arrived. */
        /** When the ack that {@link #acknowledgedAtNanos} answered was sent. */
        public long ackSentAtNanos() {
            return ackSentAtNanos;
        }

        public long acknowledgedAtNanos() {
            return ackedAtNanos;
        }

        public ForwardingTable table() {
            Held now = held.get();
            return now == null ? null : now.table();
        }

        /** True when the held table has the instance: its port on this host, or its MAC behind another. */
        public boolean knows(String instanceId, String mac) {
            ForwardingTable table = table();
            return table != null
                    && ((table.getPorts() != null
                                    && table.getPorts().stream().anyMatch(p -> instanceId.equals(p.getId())))
                            || (table.getMacs() != null
                                    && table.getMacs().stream().anyMatch(m -> mac.equals(m.getMac()))));
        }

        public long snapshots() {
            return snapshots.get();
        }

        public long deltas() {
            return deltas.get();
        }

        public URI replica() {
            return replicas.get(replicaIndex.get() % replicas.size());
        }

        public boolean isConnected() {
            Stream stream = current;
            return stream != null && stream.open;
        }

        private void connect() {
            if (closed) {
                return;
            }
            URI replica = replica();
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(replica + "/api/v1/hosts/" + hostId + "/table-stream"))
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "text/event-stream")
                    .GET();
            Held now = held.get();
            if (now != null) {
                request.header("Last-Event-ID", now.eventId().toString());
            }
            Stream stream = new Stream(replica);
            current = stream;
            http.sendAsync(request.build(), stream::subscriber).whenComplete((response, failure) -> {
                if (failure != null || response.statusCode() >= 500) {
                    moveOn(replica);
                }
                stream.end();
            });
        }

        /** The next replica, unless another failure already moved this agent. */
        private void moveOn(URI failed) {
            int index = replicaIndex.get();
            if (replicas.get(index % replicas.size()).equals(failed)) {
                replicaIndex.compareAndSet(index, index + 1);
            }
        }

        private void onEvent(SseEvent event) {
            TableEventId eventId = TableEventId.parse(event.id()).orElse(null);
            switch (event.name()) {
                case "snapshot" -> {
                    snapshots.incrementAndGet();
                    apply(JSON.readValue(event.data(), ForwardingTable.class), Objects.requireNonNull(eventId));
                }
                case "delta" -> {
                    deltas.incrementAndGet();
                    TableDelta delta = JSON.readValue(event.data(), TableDelta.class);
                    Held now = held.get();
                    if (now == null
                            || eventId == null
                            || !now.eventId().incarnation().equals(eventId.incarnation())
                            || now.eventId().generation() != delta.getBaseGeneration()) {
                        throw new IllegalStateException("delta " + event.id() + " does not follow " + now);
                    }
                    apply(TableDiff.apply(now.table(), delta), eventId);
                }
                default -> {
                    // probes and captures: a light agent has no ports to run them from
                }
            }
        }

        private void apply(ForwardingTable table, TableEventId eventId) {
            TableTranslator.translate("generation " + eventId.generation(), table);
            held.set(new Held(table, eventId));
            heldAtNanos = System.nanoTime();
            acknowledge(eventId);
        }

        /** As the real agent: an ack without an answer or with a server error is sent again while the table is held. */
        private void acknowledge(TableEventId eventId) {
            acknowledge(eventId, true);
        }

        private void acknowledge(TableEventId eventId, boolean first) {
            Held now = held.get();
            if (closed || now == null || !now.eventId().equals(eventId)) {
                return;
            }
            HttpRequest ack = HttpRequest.newBuilder(URI.create(replica() + "/api/v1/hosts/" + hostId + "/acks"))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                            new TableAck().generation(eventId.generation()).incarnation(eventId.incarnation()))))
                    .build();
            long sent = System.nanoTime();
            http.sendAsync(ack, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                if (response != null && response.statusCode() == 204) {
                    long answered = System.nanoTime();
                    synchronized (this) {
                        if (eventId.generation() > acked.get()) {
                            ackSentAtNanos = sent;
                            ackedAtNanos = answered;
                            acked.set(eventId.generation());
                        }
                    }
                } else if ((failure != null || response.statusCode() >= 500) && !closed) {
                    countRetry(response, failure);
                    // as the real agent: a first attempt with no answer at all (a pooled connection the
                    // server closed as idle) is sent again at once, anything else after the delay
                    long delay = first && failure != null ? 0 : RECONNECT_DELAY.toMillis();
                    reconnects.schedule(() -> acknowledge(eventId, false), delay, TimeUnit.MILLISECONDS);
                }
            });
        }

        /** One HTTP connection of the stream; its end schedules the next. */
        private final class Stream implements Flow.Subscriber<String> {

            private final SseParser parser = new SseParser(Agent.this::onEvent, MAX_EVENT_CHARS);
            private final URI replica;
            private final AtomicBoolean ended = new AtomicBoolean();
            private volatile Flow.Subscription subscription;
            private volatile boolean open;

            Stream(URI replica) {
                this.replica = replica;
            }

            HttpResponse.BodySubscriber<Void> subscriber(HttpResponse.ResponseInfo info) {
                if (info.statusCode() != 200) {
                    return HttpResponse.BodySubscribers.replacing(null);
                }
                open = true;
                return HttpResponse.BodySubscribers.fromLineSubscriber(this);
            }

            void end() {
                if (!ended.compareAndSet(false, true)) {
                    return;
                }
                open = false;
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.cancel();
                }
                if (!closed) {
                    reconnects.schedule(Agent.this::connect, RECONNECT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
                }
            }

            @Override
            public void onSubscribe(Flow.Subscription newSubscription) {
                subscription = newSubscription;
                newSubscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
                if (ended.get()) {
                    return;
                }
                try {
                    parser.line(line);
                } catch (RuntimeException outOfStep) {
                    // as the real agent: drop what it holds and ask for a snapshot
                    held.set(null);
                    end();
                }
            }

            @Override
            public void onError(Throwable throwable) {
                moveOn(replica);
                end();
            }

            @Override
            public void onComplete() {
                end();
            }
        }
    }

    private record Held(ForwardingTable table, TableEventId eventId) {}
}
