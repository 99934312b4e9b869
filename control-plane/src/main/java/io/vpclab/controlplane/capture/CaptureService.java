package io.vpclab.controlplane.capture;

import io.vpclab.client.model.CaptureCommand;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.instance.Instance;
import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.southbound.SouthboundProvider;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.Times;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Books captures and drives them through the host's agent: start and stop travel as
 * {@code capture} events on the table stream, the agent answers with progress reports and
 * finally the pcap upload, which is checked before it is kept. Captures and their pcaps are
 * stored, so with several replicas the agent may report to any of them and any user may ask any.
 * Every replica checks the deadlines of the stored captures; the row lock lets one of them act.
 */
@Service
class CaptureService implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CaptureService.class);

    static final String ID_PREFIX = "cap";
    /** Captures starting or running at once, over all hosts: each holds an agent's file open. */
    static final int ACTIVE_LIMIT = 16;
    /** Captures kept (with their files); the oldest finished one is forgotten to make room. */
    static final int RETAINED = 100;
    /** The agent stops writing at this size, well under the upload limit. */
    static final long AGENT_MAX_BYTES = 16L * 1024 * 1024;

    static final long MAX_UPLOAD_BYTES = 32L * 1024 * 1024;
    /** How long an agent may take to confirm a start before the capture is failed. */
    static final Duration START_DEADLINE = Duration.ofSeconds(10);
    /** Past maxSeconds, how long the upload may take before the capture is failed. */
    static final Duration UPLOAD_SLACK = Duration.ofSeconds(30);
    /** How long a stop request waits for the upload before answering with the capture still running. */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);
    /** How often deadlines are checked, and a waiting stop re-reads the capture. */
    static final Duration CHECK_INTERVAL = Duration.ofMillis(200);

    private static final Set<String> ACTIVE = Set.of(Capture.Status.STARTING.name(), Capture.Status.RUNNING.name());
    private static final Set<String> FINISHED = Set.of(Capture.Status.STOPPED.name(), Capture.Status.FAILED.name());

    private final InstanceService instances;
    private final HostService hosts;
    private final SouthboundProvider agents;
    private final CaptureRepository captures;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    /** Uploads land here while they are checked, then move into the database. */
    private final Path directory;

    private final AtomicBoolean deadlinesStarted = new AtomicBoolean();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "capture-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    CaptureService(
            InstanceService instances,
            HostService hosts,
            SouthboundProvider agents,
            CaptureRepository captures,
            JdbcTemplate jdbc,
            PlatformTransactionManager transactions)
            throws IOException {
        this.instances = instances;
        this.hosts = hosts;
        this.agents = agents;
        this.captures = captures;
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.directory = Files.createTempDirectory("vpclab-captures-");
    }

    @EventListener(ContextRefreshedEvent.class)
    void startDeadlines() {
        if (deadlinesStarted.getAndSet(true)) {
            return;
        }
        deadlines.scheduleWithFixedDelay(this::expireOverdue, 0, CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What to capture: an instance's port, or (instanceId null) a host's underlay. */
    record Request(String instanceId, String hostId, int maxPackets, int maxSeconds) {}

    Capture start(Caller caller, Request request) {
        caller.requireAdminOrTenant();
        Capture capture = book(caller, request);
        CaptureCommand command = new CaptureCommand()
                .captureId(capture.id())
                .action(CaptureCommand.ActionEnum.START)
                .point(capture.point())
                .maxPackets(capture.maxPackets())
                .maxSeconds(capture.maxSeconds())
                .maxBytes(AGENT_MAX_BYTES);
        if (!agents.sendCapture(capture.hostId(), command)) {
            transaction.executeWithoutResult(s -> captures.deleteById(capture.id()));
            throw ApiException.conflict(
                    "CaptureUnavailable", "the agent of host " + capture.hostId() + " is not connected");
        }
        return capture;
    }

    private Capture book(Caller caller, Request request) {
        boolean port = request.instanceId() != null && !request.instanceId().isBlank();
        boolean underlay = request.hostId() != null && !request.hostId().isBlank();
        if (port == underlay) {
            throw port
                    ? ApiException.badRequest("InvalidParameterCombination", "give instanceId or hostId, not both")
                    : ApiException.badRequest(
                            "MissingParameter", "instanceId (a port) or hostId (a host's underlay) is required");
        }
        if (request.maxPackets() < 1
                || request.maxPackets() > 10_000
                || request.maxSeconds() < 1
                || request.maxSeconds() > 600) {
            throw ApiException.invalidParameter("maxPackets must be 1..10000 and maxSeconds 1..600, got "
                    + request.maxPackets() + " and " + request.maxSeconds());
        }
        String tenantId = null;
        String hostId;
        String instanceId = null;
        if (port) {
            Instance instance = instances.get(caller, request.instanceId());
            tenantId = instance.tenantId();
            hostId = instance.hostId();
            instanceId = instance.id();
        } else {
            if (!caller.isAdmin()) {
                throw ApiException.forbidden(
                        "only the admin token may capture a host's underlay (it carries every tenant's traffic)");
            }
            hostId = hosts.get(caller, request.hostId()).id();
        }
        Capture capture = new Capture(
                Ids.newId(ID_PREFIX),
                tenantId,
                hostId,
                instanceId,
                request.maxPackets(),
                request.maxSeconds(),
                Times.now());
        return transaction.execute(s -> {
            // bookings queue on one row, so the count below is still true when this one commits
            jdbc.queryForList("select singleton from capture_booking where singleton = 1 for update", Integer.class);
            long active = captures.countByStatusIn(ACTIVE);
            if (active >= ACTIVE_LIMIT) {
                throw ApiException.conflict(
                        "CaptureLimitExceeded",
                        active + " captures are running; stop one first (limit " + ACTIVE_LIMIT + ")");
            }
            if (captures.count() >= RETAINED) {
                captures.findByStatusInOrderByStartedAtAsc(FINISHED).stream()
                        .findFirst()
                        .ifPresent(captures::delete);
            }
            return captures.save(capture);
        });
    }

    /** Fails the active captures whose start was not confirmed, or whose pcap did not arrive, in time. */
    void expireOverdue() {
        try {
            Instant now = Times.now();
            for (Capture capture : captures.findByStatusInAndStartedAtBefore(ACTIVE, now.minus(START_DEADLINE))) {
                Duration uploadDeadline =
                        Duration.ofSeconds(capture.maxSeconds()).plus(UPLOAD_SLACK);
                if (capture.status() == Capture.Status.STARTING) {
                    expire(
                            capture.id(),
                            "the agent of host " + capture.hostId() + " did not confirm the start within "
                                    + START_DEADLINE.toSeconds() + " s",
                            Capture.Status.STARTING);
                } else if (capture.startedAt().plus(uploadDeadline).isBefore(now)) {
                    expire(
                            capture.id(),
                            "no pcap arrived from host " + capture.hostId() + " within " + uploadDeadline.toSeconds()
                                    + " s",
                            null);
                }
            }
        } catch (RuntimeException e) {
            log.warn("checking the captures' deadlines: {}", e.toString());
        }
    }

    /** Fails a capture that is still active (or still in {@code onlyIn}); whoever failed it tells the agent. */
    private void expire(String captureId, String why, Capture.Status onlyIn) {
        Capture failed = transaction.execute(s -> captures.lockById(captureId)
                .filter(c -> onlyIn == null || c.status() == onlyIn)
                .filter(c -> c.fail(why, Times.now()))
                .orElse(null));
        if (failed != null) {
            log.warn("capture {} failed: {}", captureId, why);
            agents.sendCapture(failed.hostId(), stopCommand(failed));
        }
    }

    Capture get(Caller caller, String captureId) {
        return captures.findById(captureId).filter(c -> visible(caller, c)).orElseThrow(() -> notFound(captureId));
    }

    /** Newest first. */
    List<Capture> list(Caller caller) {
        caller.requireAdminOrTenant();
        return captures.findAllByOrderByStartedAtDesc().stream()
                .filter(c -> visible(caller, c))
                .toList();
    }

    /** Asks the agent to stop and waits (a while) for its upload; a finished capture is returned as it is. */
    Capture stop(Caller caller, String captureId) {
        Capture capture = get(caller, captureId);
        if (!capture.isActive()) {
            return capture;
        }
        if (!agents.sendCapture(capture.hostId(), stopCommand(capture))) {
            return transition(
                    captureId,
                    c -> c.fail(
                            "the agent of host " + capture.hostId() + " is not connected; the capture is lost",
                            Times.now()));
        }
        // the upload may reach another replica: wait by reading the stored capture
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        Capture current = capture;
        while (current.isActive()
                && System.nanoTime() < deadline
                && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(CHECK_INTERVAL.toNanos());
            current = captures.findById(captureId).orElse(current);
        }
        return current;
    }

    void delete(Caller caller, String captureId) {
        Capture capture = get(caller, captureId);
        if (capture.isActive()) {
            agents.sendCapture(capture.hostId(), stopCommand(capture));
        }
        transaction.executeWithoutResult(s -> captures.deleteById(captureId));
    }

    /** A progress report from the host's agent (a host may only report its own captures). */
    void progress(String hostId, String captureId, boolean failed, long packets, String error) {
        ofHost(hostId, captureId);
        if (failed) {
            String why = error == null || error.isBlank() ? "the agent gave no reason" : error;
            transition(captureId, c -> {
                if (c.fail(why, Times.now())) {
                    log.info("capture {} failed on host {}: {}", captureId, hostId, why);
                }
                return true;
            });
        } else {
            transition(captureId, c -> {
                c.running(packets);
                return true;
            });
        }
    }

    /**
     * The agent's upload: copied to a file (at most {@link #MAX_UPLOAD_BYTES}), checked to be
     * classic pcap, and stored with the capture. A refused upload leaves the capture as it was.
     */
    void upload(String hostId, String captureId, InputStream body, Capture.StopReason reason) {
        Capture capture = ofHost(hostId, captureId);
        if (!capture.isActive()) {
            throw conflict(capture);
        }
        Path partial = directory.resolve(captureId + "-" + System.nanoTime() + ".pcap.part");
        try {
            long size = copyBounded(body, partial);
            PcapSummary summary;
            try (InputStream in = Files.newInputStream(partial)) {
                summary = PcapSummary.read(in);
            } catch (PcapSummary.MalformedPcapException e) {
                throw ApiException.badRequest(
                        "InvalidCapture.Malformed", "the upload is not classic pcap: " + e.getMessage());
            }
            byte[] pcap = Files.readAllBytes(partial);
            transaction.executeWithoutResult(s -> {
                Capture locked = captures.lockById(captureId).orElseThrow(() -> notFound(captureId));
                if (!locked.stopped(summary, size, reason, Times.now())) {
                    throw conflict(locked);
                }
                jdbc.update("insert into capture_pcap (capture_id, data) values (?, ?)", captureId, pcap);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the pcap of " + captureId, e);
        } finally {
            deleteQuietly(partial);
        }
    }

    /** The stored pcap of a stopped capture the caller may see. */
    byte[] pcap(Caller caller, String captureId) {
        Capture capture = get(caller, captureId);
        if (capture.status() != Capture.Status.STOPPED) {
            throw ApiException.conflict(
                    "IncorrectCaptureState",
                    "capture " + captureId + " is " + capture.status().name().toLowerCase()
                            + (capture.isActive() ? ": stop it first" : ", it has no pcap"));
        }
        return jdbc
                .query("select data from capture_pcap where capture_id = ?", (row, n) -> row.getBytes(1), captureId)
                .stream()
                .findFirst()
                .orElseThrow(() -> notFound(captureId));
    }

    private static long copyBounded(InputStream body, Path to) throws IOException {
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (var out = Files.newOutputStream(to)) {
            int n;
            while ((n = body.read(buffer)) > 0) {
                size += n;
                if (size > MAX_UPLOAD_BYTES) {
                    throw new ApiException(
                            HttpStatus.PAYLOAD_TOO_LARGE,
                            "CaptureTooLarge",
                            "a pcap upload is at most " + MAX_UPLOAD_BYTES + " bytes");
                }
                out.write(buffer, 0, n);
            }
        }
        return size;
    }

    /** Runs {@code change} on the locked capture in one transaction; returns the capture after it. */
    private Capture transition(String captureId, java.util.function.Predicate<Capture> change) {
        return transaction.execute(s -> {
            Capture locked = captures.lockById(captureId).orElseThrow(() -> notFound(captureId));
            change.test(locked);
            return locked;
        });
    }

    private Capture ofHost(String hostId, String captureId) {
        return captures.findById(captureId)
                .filter(c -> c.hostId().equals(hostId))
                .orElseThrow(() -> notFound(captureId));
    }

    private static boolean visible(Caller caller, Capture capture) {
        return caller.isAdmin() || (capture.tenantId() != null && caller.canSee(capture.tenantId()));
    }

    private static CaptureCommand stopCommand(Capture capture) {
        return new CaptureCommand().captureId(capture.id()).action(CaptureCommand.ActionEnum.STOP);
    }

    private static ApiException notFound(String captureId) {
        return ApiException.notFound("InvalidCapture.NotFound", "capture " + captureId + " does not exist");
    }

    private static ApiException conflict(Capture capture) {
        return ApiException.conflict(
                "IncorrectCaptureState",
                "capture " + capture.id() + " is already "
                        + capture.status().name().toLowerCase());
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("could not delete {}: {}", file, e.toString());
        }
    }

    @Override
    public void destroy() throws IOException {
        deadlines.shutdownNow();
        try (var files = Files.list(directory)) {
            files.forEach(CaptureService::deleteQuietly);
        }
        deleteQuietly(directory);
    }
}
