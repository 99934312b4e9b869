package io.vpclab.agent.capture;

import io.vpclab.client.model.CaptureCommand;
import io.vpclab.client.model.CaptureStopReason;
import io.vpclab.dataplane.Vtep;
import io.vpclab.dataplane.capture.Capture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the captures the control plane asks for on this agent's VTEP. A watcher ends each one
 * when its packet or byte bound closed the file or its time is up, and reports the packet
 * count while it runs; every end (bound, stop command, write error) happens exactly once and
 * either uploads the pcap or reports the failure.
 */
public final class AgentCaptures implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentCaptures.class);

    /** How often bounds are checked: a time-bound capture ends at most this late. */
    static final Duration WATCH_PERIOD = Duration.ofMillis(100);

    static final Duration PROGRESS_PERIOD = Duration.ofSeconds(1);
    /** Used when a command names no byte bound (the control plane always does). */
    static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;
    /** Capture ids become file names: only the control plane's id alphabet is accepted. */
    private static final Pattern CAPTURE_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final Vtep vtep;
    private final CaptureUplink uplink;
    private final Path directory;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    /** Recently ended captures: a stop that crosses a capture ending on its own bound is no error. */
    private final Set<String> ended = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1000;
        }
    }));

    private final ScheduledExecutorService watcher =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "capture-watch"));
    /** Commands run one at a time in arrival order: a stop never overtakes its start. */
    private final ExecutorService commands = Executors.newSingleThreadExecutor(r -> daemon(r, "capture-commands"));

    /** lastReported: packets and nanoTime of the last progress report (only the watcher touches it). */
    private record Running(String id, Capture capture, long maxPackets, long deadlineNanos, long[] lastReported) {}

    public AgentCaptures(Vtep vtep, CaptureUplink uplink) {
        this.vtep = vtep;
        this.uplink = uplink;
        try {
            this.directory = Files.createTempDirectory("vpclab-agent-captures-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for captures", e);
        }
        watcher.scheduleWithFixedDelay(
                this::watch, WATCH_PERIOD.toMillis(), WATCH_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes a {@code capture} event without blocking; commands run in order on their own thread. */
    public void handle(CaptureCommand command) {
        try {
            commands.execute(() -> run(command));
        } catch (RejectedExecutionException closing) {
            log.debug("agent closing, capture command {} dropped", command.getCaptureId());
        }
    }

    private void run(CaptureCommand command) {
        String id = command.getCaptureId();
        if (id == null || !CAPTURE_ID.matcher(id).matches()) {
            log.warn("ignoring a capture command with id {}", id);
            return;
        }
        if (command.getAction() == CaptureCommand.ActionEnum.START) {
            start(id, command);
        } else {
            stop(id);
        }
    }

    /** Ids of the captures running now. */
    public List<String> runningIds() {
        return List.copyOf(running.keySet());
    }

    private void start(String id, CaptureCommand command) {
        if (running.containsKey(id)) {
            return; // the same command twice: already running
        }
        if (command.getPoint() == null || command.getPoint().isBlank()) {
            uplink.failed(id, "the capture command names no capture point");
            return;
        }
        Capture capture;
        try {
            capture = vtep.startCapture(command.getPoint(), directory.resolve(id + ".pcap"));
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            uplink.failed(id, e.getMessage());
            return;
        }
        long maxPackets = positiveOr(command.getMaxPackets(), Long.MAX_VALUE);
        capture.limit(
                maxPackets,
                command.getMaxBytes() == null || command.getMaxBytes() <= 0
                        ? DEFAULT_MAX_BYTES
                        : command.getMaxBytes());
        long seconds = positiveOr(command.getMaxSeconds(), 60);
        long now = System.nanoTime();
        running.put(
                id, new Running(id, capture, maxPackets, now + TimeUnit.SECONDS.toNanos(seconds), new long[] {0, now}));
        log.info(
                "capture {} started at {} ({} packets, {} s at most)",
                id,
                command.getPoint(),
                command.getMaxPackets(),
                seconds);
        uplink.running(id, 0);
    }

    private static long positiveOr(Integer value, long otherwise) {
        return value == null || value <= 0 ? otherwise : value;
    }

    private void stop(String id) {
        Running capture = running.get(id);
        if (capture == null && ended.contains(id)) {
            return; // it ended on its own bound a moment ago; its upload answers the stop
        }
        if (capture == null) {
            // a restarted agent knows nothing of the capture: say so, so the stop does not wait in vain
            uplink.failed(id, "this agent runs no capture " + id + " (it may have restarted)");
            return;
        }
        finish(capture, CaptureStopReason.REQUESTED);
    }

    private void watch() {
        for (Running r : running.values()) {
            try {
                Capture capture = r.capture();
                if (capture.failure() != null || capture.isFull()) {
                    finish(
                            r,
                            capture.packets() >= r.maxPackets()
                                    ? CaptureStopReason.MAX_PACKETS
                                    : CaptureStopReason.MAX_BYTES);
                } else if (System.nanoTime() - r.deadlineNanos() >= 0) {
                    finish(r, CaptureStopReason.MAX_SECONDS);
                } else if (System.nanoTime() - r.lastReported()[1] >= PROGRESS_PERIOD.toNanos()
                        && capture.packets() != r.lastReported()[0]) {
                    r.lastReported()[0] = capture.packets();
                    r.lastReported()[1] = System.nanoTime();
                    uplink.running(r.id(), capture.packets());
                }
            } catch (RuntimeException e) {
                log.warn("capture {} could not be watched: {}", r.id(), e.toString());
            }
        }
    }

    /** Ends a capture once: stops the capture point, then uploads the pcap or reports why not. */
    private void finish(Running r, CaptureStopReason reason) {
        if (!running.remove(r.id(), r)) {
            return;
        }
        ended.add(r.id());
        Capture capture = r.capture();
        try {
            vtep.stopCapture(capture);
        } catch (RuntimeException e) {
            capture.close(); // the VTEP is closing: the file is still complete
        }
        try {
            if (capture.failure() != null) {
                uplink.failed(r.id(), "writing the pcap failed: " + capture.failure());
            } else if (uplink.upload(r.id(), capture.file(), reason)) {
                log.info("capture {} ended ({}), {} packets uploaded", r.id(), reason.getValue(), capture.packets());
            }
        } finally {
            try {
                Files.deleteIfExists(capture.file());
            } catch (IOException e) {
                log.debug("could not delete {}: {}", capture.file(), e.toString());
            }
        }
    }

    /** Stops watching and drops running captures with their files (the control plane fails them at their deadline). */
    @Override
    public void close() {
        commands.shutdownNow();
        watcher.shutdownNow();
        for (Running r : running.values()) {
            if (running.remove(r.id(), r)) {
                r.capture().close();
                try {
                    Files.deleteIfExists(r.capture().file());
                } catch (IOException e) {
                    log.debug("could not delete {}: {}", r.capture().file(), e.toString());
                }
            }
        }
        try {
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            log.debug("could not delete {}: {}", directory, e.toString());
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
