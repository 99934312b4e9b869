package io.vpclab.agent.southbound;

import io.vpclab.client.ApiException;
import io.vpclab.client.api.SouthboundApi;
import io.vpclab.client.model.CaptureCommand;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.TableAck;
import io.vpclab.client.model.TableDelta;
import io.vpclab.client.table.TableDiff;
import io.vpclab.client.table.TableEventId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * Follows one host's table stream: applies the snapshot and each delta whole (through the
 * {@link TableApplier}), acknowledges every applied generation, runs probes, hands capture
 * commands on, and reconnects
 * with backoff when the stream ends, resuming with {@code Last-Event-ID}.
 *
 * <p>A delta for a generation other than the one held, or one the applier refuses, ends the
 * stream and the next connection asks for a snapshot: the agent never holds half a table. A
 * generation counts only with the incarnation of its event id (one per control-plane store, the
 * same on every replica): a delta from another incarnation is out of step too, whatever its
 * numbers say.
 */
public final class TableStreamFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TableStreamFollower.class);

    /** The server sends a keepalive comment every few seconds; silence this long means a dead stream. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(20);

    static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** A table for a few thousand instances is a few MB of JSON; anything far beyond is not a table. */
    static final int MAX_EVENT_CHARS = 64 * 1024 * 1024;

    private final ControlPlaneEndpoint endpoint;
    private final String hostId;
    private final TableApplier applier;
    private final ProbeRunner probes;
    private final Consumer<CaptureCommand> captures;
    private final ObjectMapper json;
    private final SouthboundApi southbound;
    private final ExecutorService httpExecutor;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService probeExecutor;
    private final AtomicReference<Held> applied = new AtomicReference<>();
    private volatile boolean resumable;
    private volatile boolean closed;
    private volatile Connection current;
    private volatile Duration backoff = MIN_BACKOFF;
    private final CountDownLatch firstAnswer = new CountDownLatch(1);
    private final CompletableFuture<Integer> tokenRefused = new CompletableFuture<>();

    /** @param captures takes a capture command (start or stop) on the stream's thread, in stream order; must not block */
    public TableStreamFollower(
            ControlPlaneEndpoint endpoint,
            String hostId,
            TableApplier applier,
            ProbeRunner probes,
            Consumer<CaptureCommand> captures) {
        this.endpoint = endpoint;
        this.hostId = hostId;
        this.applier = applier;
        this.probes = probes;
        this.captures = captures;
        var apiClient = endpoint.apiClient();
        this.json = apiClient.getObjectMapper();
        this.southbound = new SouthboundApi(apiClient);
        this.httpExecutor = Executors.newCachedThreadPool(r -> daemon(r, "table-stream-http-" + hostId));
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .executor(httpExecutor)
                .build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "table-stream-" + hostId));
        this.probeExecutor = Executors.newCachedThreadPool(r -> daemon(r, "probe-" + hostId));
    }

    /** Starts following in the background. */
    public void start() {
        scheduler.execute(this::connect);
        scheduler.scheduleWithFixedDelay(this::checkIdle, 1, 1, TimeUnit.SECONDS);
    }

    /** The last table applied whole, or null before the first snapshot. */
    public ForwardingTable appliedTable() {
        Held held = applied.get();
        return held == null ? null : held.table();
    }

    /**
     * Completes with the HTTP status (401 or 403) when the control plane refuses this host's
     * token; the follower then stops reconnecting, because retrying cannot help.
     */
    public CompletableFuture<Integer> tokenRefused() {
        return tokenRefused;
    }

    /** Waits until the first connection attempt has an answer (any status, or a failure); false on timeout. */
    public boolean awaitFirstAnswer(Duration timeout) throws InterruptedException {
        return firstAnswer.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isConnected() {
        Connection connection = current;
        return connection != null && connection.open;
    }

    private void connect() {
        if (closed) {
            return;
        }
        Held held = applied.get();
        URI replica = endpoint.baseUri();
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(replica + "/api/v1/hosts/" + hostId + "/table-stream"))
                .header("Authorization", "Bearer " + endpoint.token())
                .header("Accept", "text/event-stream")
                .GET();
        if (held != null && resumable) {
            request.header("Last-Event-ID", held.eventId().toString());
        }
        Connection connection = new Connection(replica);
        current = connection;
        http.sendAsync(request.build(), connection::bodyHandler).whenComplete((response, failure) -> {
            firstAnswer.countDown();
            if (failure != null) {
                log.debug("table stream of {} at {} ended: {}", hostId, replica, failure.toString());
                if (!connection.open) {
                    failOver(replica); // never answered: down, or not a control plane
                }
            } else if (response.statusCode() != 200) {
                log.warn("table stream of {} refused by {} with HTTP {}", hostId, replica, response.statusCode());
                if (response.statusCode() >= 500) {
                    failOver(replica);
                }
            }
            connection.end();
        });
    }

    private void checkIdle() {
        Connection connection = current;
        if (connection != null && connection.idleNanos() > IDLE_TIMEOUT.toNanos()) {
            log.debug("table stream of {} silent for {}, reconnecting", hostId, IDLE_TIMEOUT);
            failOver(connection.replica);
            connection.end();
        }
    }

    /** The next connection (and every other call of the agent) goes to the next replica, if there is one. */
    private void failOver(URI replica) {
        URI next = endpoint.failedOver(replica);
        if (!next.equals(replica)) {
            log.info("control plane {} failed for the table stream of {}, moving to {}", replica, hostId, next);
        }
    }

    /** The next backoff step: twice this one, at most {@link #MAX_BACKOFF}. */
    private static Duration doubled(Duration backoff) {
        Duration twice = backoff.multipliedBy(2);
        return twice.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : twice;
    }

    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        long jitter = ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2 + 1);
        scheduler.schedule(this::connect, backoff.toMillis() / 2 + jitter, TimeUnit.MILLISECONDS);
        backoff = doubled(backoff);
    }

    /** Handles one event; package-private so tests can drive it without HTTP. */
    void onEvent(SseEvent event) {
        switch (event.name()) {
            case "snapshot" -> applyWhole(json.readValue(event.data(), ForwardingTable.class), tableEventId(event));
            case "delta" -> applyDelta(json.readValue(event.data(), TableDelta.class), tableEventId(event));
            case "probe" -> runProbe(json.readValue(event.data(), ProbeRequest.class));
            case "capture" -> runCapture(json.readValue(event.data(), CaptureCommand.class));
            default -> log.debug("ignoring event {}", event.name());
        }
    }

    /** A table event's id says which store's incarnation its generation belongs to; without one it cannot be acknowledged. */
    private static TableEventId tableEventId(SseEvent event) {
        return TableEventId.parse(event.id())
                .orElseThrow(() -> new StreamOutOfStep("table event " + event.name() + " has id '" + event.id()
                        + "', not <incarnation>-<generation>"));
    }

    private void applyDelta(TableDelta delta, TableEventId eventId) {
        Held held = applied.get();
        if (held == null
                || !held.eventId().incarnation().equals(eventId.incarnation())
                || held.eventId().generation() != delta.getBaseGeneration()) {
            throw new StreamOutOfStep("delta " + eventId + " from generation " + delta.getBaseGeneration()
                    + " but holding " + (held == null ? "nothing" : held.eventId()));
        }
        applyWhole(TableDiff.apply(held.table(), delta), eventId);
    }

    private void applyWhole(ForwardingTable table, TableEventId eventId) {
        if (table.getGeneration() == null || table.getGeneration() != eventId.generation()) {
            throw new StreamOutOfStep("event " + eventId + " carries generation " + table.getGeneration());
        }
        try {
            applier.apply(table);
        } catch (IllegalArgumentException refused) {
            log.error("refused table generation {} for {}: {}", table.getGeneration(), hostId, refused.getMessage());
            throw new StreamOutOfStep("table refused: " + refused.getMessage());
        }
        Held held = new Held(table, eventId);
        applied.set(held);
        resumable = true;
        // only a table that applied resets the backoff: a refused one must not spin the reconnects
        backoff = MIN_BACKOFF;
        acknowledge(held);
    }

    /**
     * Refused (409) when the server restarted since: it then streams a snapshot, which is
     * acknowledged in turn. An ack that got no answer or a server error is sent again with backoff
     * while the table is still the one held, so a host is not shown unconverged until its next
     * change (a thousand agents reconnecting at once can overrun a control plane's accept queue).
     */
    private void acknowledge(Held held) {
        acknowledge(held, Duration.ZERO);
    }

    /**
     * @param retryIn the wait before sending again if this attempt is unanswered. Zero for the
     *     first: an ack with no answer at all most often went out on a pooled connection the server
     *     had just closed as idle (Tomcat's keep-alive timeout; an agent acks only when its table
     *     changes), and a new connection answers at once. Then {@link #MIN_BACKOFF}, doubling.
     */
    private void acknowledge(Held held, Duration retryIn) {
        if (closed || applied.get() != held) {
            return;
        }
        try {
            southbound.acknowledgeGeneration(
                    hostId,
                    new TableAck()
                            .generation(held.eventId().generation())
                            .incarnation(held.eventId().incarnation()));
        } catch (ApiException e) {
            boolean unanswered = e.getCode() == 0 || e.getCode() >= 500;
            log.debug("ack of {} failed{}: {}", held.eventId(), unanswered ? ", trying again" : "", e.getMessage());
            if (unanswered && !closed) {
                // only a first attempt with no answer at all is sent again at once; a server error waits
                Duration wait = retryIn.isZero() && e.getCode() != 0 ? MIN_BACKOFF : retryIn;
                Duration next = wait.isZero() ? MIN_BACKOFF : doubled(wait);
                scheduler.schedule(
                        () -> httpExecutor.execute(() -> acknowledge(held, next)),
                        wait.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The table applied whole and the event it came with. */
    private record Held(ForwardingTable table, TableEventId eventId) {}

    private void runProbe(ProbeRequest request) {
        probeExecutor.execute(() -> {
            ProbeResult result;
            // pieces of a streamed exec go out one at a time, in the order they were read
            Object reporting = new Object();
            try {
                result = probes.run(request, piece -> {
                    synchronized (reporting) {
                        try {
                            southbound.reportProbeResult(hostId, piece);
                        } catch (ApiException e) {
                            log.debug(
                                    "a piece of exec {} was not reported: {}", request.getRequestId(), e.getMessage());
                        }
                    }
                });
            } catch (RuntimeException e) {
                result = new ProbeResult()
                        .requestId(request.getRequestId())
                        .type(request.getType())
                        .target(request.getTarget())
                        .sent(0)
                        .received(0)
                        .error(e.toString());
            }
            try {
                synchronized (reporting) {
                    southbound.reportProbeResult(hostId, result.requestId(request.getRequestId()));
                }
            } catch (ApiException e) {
                log.warn("could not report probe {}: {}", request.getRequestId(), e.getMessage());
            }
        });
    }

    private void runCapture(CaptureCommand command) {
        try {
            captures.accept(command);
        } catch (RuntimeException e) {
            // a capture's trouble must never end the table stream
            log.warn("capture command {} {} failed: {}", command.getAction(), command.getCaptureId(), e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection connection = current;
        if (connection != null) {
            connection.end();
        }
        scheduler.shutdownNow();
        probeExecutor.shutdownNow();
        httpExecutor.shutdownNow();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** The stream and the held table disagree: drop the stream and ask for a snapshot. */
    static final class StreamOutOfStep extends RuntimeException {
        StreamOutOfStep(String message) {
            super(message);
        }
    }

    /**
     * One HTTP connection of the stream. {@link #end()} runs once, whoever notices first (the
     * server closing, a failure, the idle watchdog, an out-of-step event), and schedules the
     * reconnect: a cancelled subscription never completes the HTTP future by itself.
     */
    private final class Connection implements Flow.Subscriber<String> {

        private final SseParser parser = new SseParser(TableStreamFollower.this::onEvent, MAX_EVENT_CHARS);
        private final URI replica;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final AtomicLong lastLineNanos = new AtomicLong(System.nanoTime());
        private volatile Flow.Subscription subscription;
        private volatile boolean open;

        Connection(URI replica) {
            this.replica = replica;
        }

        HttpResponse.BodySubscriber<Void> bodyHandler(HttpResponse.ResponseInfo info) {
            if (info.statusCode() == 401 || info.statusCode() == 403) {
                closed = true; // no reconnect: the same token gets the same answer
                tokenRefused.complete(info.statusCode());
            }
            firstAnswer.countDown();
            if (info.statusCode() != 200) {
                return HttpResponse.BodySubscribers.replacing(null);
            }
            open = true;
            Held held = applied.get();
            if (held != null) {
                acknowledge(held);
            }
            return HttpResponse.BodySubscribers.fromLineSubscriber(this);
        }

        long idleNanos() {
            return System.nanoTime() - lastLineNanos.get();
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
            scheduleReconnect();
        }

        @Override
        public void onSubscribe(Flow.Subscription newSubscription) {
            subscription = newSubscription;
            if (ended.get()) {
                newSubscription.cancel();
                return;
            }
            newSubscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            lastLineNanos.set(System.nanoTime());
            if (ended.get()) {
                return;
            }
            try {
                parser.line(line);
            } catch (RuntimeException e) {
                log.warn("table stream of {} out of step, asking for a snapshot: {}", hostId, e.getMessage());
                resumable = false;
                end();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            log.debug("table stream of {} failed: {}", hostId, throwable.toString());
            failOver(replica); // the replica died mid-stream (a reset, not a clean close)
            end();
        }

        @Override
        public void onComplete() {
            log.debug("table stream of {} closed by the server", hostId);
            end();
        }
    }
}
