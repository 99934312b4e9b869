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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Books captures and drives them through the host's agent: start and stop travel as
 * {@code capture} events on the table stream, the agent answers with progress reports and
 * finally the pcap upload, which is checked before it is kept.
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

    private final InstanceService instances;
    private final HostService hosts;
    private final SouthboundProvider agents;
    private final Map<String, Capture> captures = new LinkedHashMap<>();
    private final Path directory;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "capture-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    CaptureService(InstanceService instances, HostService hosts, SouthboundProvider agents) throws IOException {
        this.instances = instances;
        this.hosts = hosts;
        this.agents = agents;
        this.directory = Files.createTempDirectory("vpclab-captures-");
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
            synchronized (captures) {
                forget(capture);
            }
            throw ApiException.conflict(
                    "CaptureUnavailable", "the agent of host " + capture.hostId() + " is not connected");
        }
        deadlines.schedule(
                () -> expire(
                        capture,
                        "the agent of host " + capture.hostId() + " did not confirm the start within "
                                + START_DEADLINE.toSeconds() + " s",
                        Capture.Status.STARTING),
                START_DEADLINE.toMillis(),
                TimeUnit.MILLISECONDS);
        Duration uploadDeadline = Duration.ofSeconds(capture.maxSeconds()).plus(UPLOAD_SLACK);
        deadlines.schedule(
                () -> expire(
                        capture,
                        "no pcap arrived from host " + capture.hostId() + " within " + uploadDeadline.toSeconds()
                                + " s",
                        null),
                uploadDeadline.toMillis(),
                TimeUnit.MILLISECONDS);
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
        synchronized (captures) {
            long active = captures.values().stream().filter(Capture::isActive).count();
            if (active >= ACTIVE_LIMIT) {
                throw ApiException.conflict(
                        "CaptureLimitExceeded",
                        active + " captures are running; stop one first (limit " + ACTIVE_LIMIT + ")");
            }
            if (captures.size() >= RETAINED) {
                captures.values().stream()
                        .filter(c -> !c.isActive())
                        .findFirst()
                        .ifPresent(this::forget);
            }
            Capture capture = new Capture(
                    Ids.newId(ID_PREFIX),
                    tenantId,
                    hostId,
                    instanceId,
                    request.maxPackets(),
                    request.maxSeconds(),
                    Times.now());
            captures.put(capture.id(), capture);
            return capture;
        }
    }

    /** Fails a capture that is still active (or still in {@code onlyIn}) when its deadline passes. */
    private void expire(Capture capture, String why, Capture.Status onlyIn) {
        if (onlyIn != null && capture.status() != onlyIn) {
            return;
        }
        if (capture.fail(why, Times.now())) {
            log.warn("capture {} failed: {}", capture.id(), why);
            agents.sendCapture(capture.hostId(), stopCommand(capture));
        }
    }

    Capture get(Caller caller, String captureId) {
        synchronized (captures) {
            Capture capture = captures.get(captureId);
            if (capture == null || !visible(caller, capture)) {
                throw notFound(captureId);
            }
            return capture;
        }
    }

    /** Newest first. */
    List<Capture> list(Caller caller) {
        caller.requireAdminOrTenant();
        synchronized (captures) {
            return captures.values().stream()
                    .filter(c -> visible(caller, c))
                    .sorted(Comparator.comparing(Capture::startedAt).reversed())
                    .toList();
        }
    }

    /** Asks the agent to stop and waits (a while) for its upload; a finished capture is returned as it is. */
    Capture stop(Caller caller, String captureId) {
        Capture capture = get(caller, captureId);
        if (!capture.isActive()) {
            return capture;
        }
        if (!agents.sendCapture(capture.hostId(), stopCommand(capture))) {
            capture.fail(
                    "the agent of host " + capture.hostId() + " is not connected; the capture is lost", Times.now());
            return capture;
        }
        try {
            return capture.finished().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return capture;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return capture;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    void delete(Caller caller, String captureId) {
        Capture capture = get(caller, captureId);
        if (capture.isActive()) {
            agents.sendCapture(capture.hostId(), stopCommand(capture));
            capture.fail("deleted", Times.now());
        }
        synchronized (captures) {
            forget(capture);
        }
    }

    /** A progress report from the host's agent (a host may only report its own captures). */
    void progress(String hostId, String captureId, boolean failed, long packets, String error) {
        Capture capture = ofHost(hostId, captureId);
        if (failed) {
            if (capture.fail(error == null || error.isBlank() ? "the agent gave no reason" : error, Times.now())) {
                log.info("capture {} failed on host {}: {}", captureId, hostId, error);
            }
        } else {
            capture.running(packets);
        }
    }

    /**
     * The agent's upload: copied to a file (at most {@link #MAX_UPLOAD_BYTES}), checked to be
     * classic pcap, and kept. A refused upload leaves the capture as it was.
     */
    void upload(String hostId, String captureId, InputStream body, Capture.StopReason reason) {
        Capture capture = ofHost(hostId, captureId);
        if (!capture.isActive()) {
            throw conflict(capture);
        }
        Path file = directory.resolve(captureId + ".pcap");
        Path partial = directory.resolve(captureId + ".pcap.part");
        try {
            long size = copyBounded(body, partial);
            PcapSummary summary;
            try (InputStream in = Files.newInputStream(partial)) {
                summary = PcapSummary.read(in);
            } catch (PcapSummary.MalformedPcapException e) {
                throw ApiException.badRequest(
                        "InvalidCapture.Malformed", "the upload is not classic pcap: " + e.getMessage());
            }
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            if (!capture.stopped(file, summary, size, reason, Times.now())) {
                Files.deleteIfExists(file);
                throw conflict(capture);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the pcap of " + captureId, e);
        } finally {
            deleteQuietly(partial);
        }
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

    private Capture ofHost(String hostId, String captureId) {
        synchronized (captures) {
            Capture capture = captures.get(captureId);
            if (capture == null || !capture.hostId().equals(hostId)) {
                throw notFound(captureId);
            }
            return capture;
        }
    }

    private static boolean visible(Caller caller, Capture capture) {
        return caller.isAdmin() || (capture.tenantId() != null && caller.canSee(capture.tenantId()));
    }

    private static CaptureCommand stopCommand(Capture capture) {
        return new CaptureCommand().captureId(capture.id()).action(CaptureCommand.ActionEnum.STOP);
    }

    /** Call holding the captures lock. */
    private void forget(Capture capture) {
        captures.remove(capture.id());
        Path file = capture.file();
        if (file != null) {
            deleteQuietly(file);
        }
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

    /** Captures survive nothing across a restart: the files go with the process. */
    @Override
    public void destroy() throws IOException {
        deadlines.shutdownNow();
        try (var files = Files.list(directory)) {
            files.forEach(CaptureService::deleteQuietly);
        }
        deleteQuietly(directory);
    }
}
