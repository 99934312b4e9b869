package io.vpclab.controlplane.capture;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One capture as the control plane books it. Lives only in memory: its state changes as the
 * agent reports, and every accessor and transition is synchronized on the capture itself.
 */
final class Capture {

    enum Status {
        STARTING,
        RUNNING,
        STOPPED,
        FAILED
    }

    enum StopReason {
        REQUESTED,
        MAX_PACKETS,
        MAX_SECONDS,
        MAX_BYTES
    }

    /** The agent's name for the underlay capture point (the data plane's {@code Vtep.UNDERLAY}). */
    static final String UNDERLAY_POINT = "underlay";

    private final String id;
    private final String tenantId;
    private final String hostId;
    private final String instanceId;
    private final int maxPackets;
    private final int maxSeconds;
    private final Instant startedAt;
    private final CompletableFuture<Capture> finished = new CompletableFuture<>();
    private Status status = Status.STARTING;
    private long packets;
    private long bytes;
    private Instant stoppedAt;
    private StopReason stopReason;
    private String error;
    private Path file;

    /** @param instanceId null for the host's underlay (then tenantId is null too: admin only) */
    Capture(
            String id,
            String tenantId,
            String hostId,
            String instanceId,
            int maxPackets,
            int maxSeconds,
            Instant startedAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.hostId = hostId;
        this.instanceId = instanceId;
        this.maxPackets = maxPackets;
        this.maxSeconds = maxSeconds;
        this.startedAt = startedAt;
    }

    String id() {
        return id;
    }

    String tenantId() {
        return tenantId;
    }

    String hostId() {
        return hostId;
    }

    String instanceId() {
        return instanceId;
    }

    boolean isUnderlay() {
        return instanceId == null;
    }

    /** The capture point the agent knows: the port id (the instance id) or the underlay. */
    String point() {
        return isUnderlay() ? UNDERLAY_POINT : instanceId;
    }

    int maxPackets() {
        return maxPackets;
    }

    int maxSeconds() {
        return maxSeconds;
    }

    Instant startedAt() {
        return startedAt;
    }

    /** Completes when the capture is stopped or failed. */
    CompletableFuture<Capture> finished() {
        return finished;
    }

    synchronized Status status() {
        return status;
    }

    synchronized boolean isActive() {
        return status == Status.STARTING || status == Status.RUNNING;
    }

    synchronized long packets() {
        return packets;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized Instant stoppedAt() {
        return stoppedAt;
    }

    synchronized StopReason stopReason() {
        return stopReason;
    }

    synchronized String error() {
        return error;
    }

    synchronized Path file() {
        return file;
    }

    /** The agent writes: a started capture becomes running; later reports only move the count. */
    synchronized void running(long packetsSoFar) {
        if (isActive()) {
            status = Status.RUNNING;
            packets = Math.max(packets, packetsSoFar);
        }
    }

    /** Ends an active capture as failed; false (and no change) when it had already ended. */
    boolean fail(String why, Instant at) {
        synchronized (this) {
            if (!isActive()) {
                return false;
            }
            status = Status.FAILED;
            error = why;
            stoppedAt = at;
        }
        finished.complete(this);
        return true;
    }

    /** Ends an active capture with its checked pcap; false (and no change) when it had already ended. */
    boolean stopped(Path pcap, PcapSummary summary, long size, StopReason reason, Instant at) {
        synchronized (this) {
            if (!isActive()) {
                return false;
            }
            status = Status.STOPPED;
            file = pcap;
            packets = summary.packets();
            bytes = size;
            stopReason = reason;
            stoppedAt = at;
        }
        finished.complete(this);
        return true;
    }
}
