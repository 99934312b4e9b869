package io.vpclab.controlplane.capture;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One capture as the control plane books it. Stored, so that the agent may report to any
 * replica and the user ask any: every transition runs under the row's lock
 * ({@link CaptureRepository#lockById}) and only moves an active capture.
 */
@Entity
@Table(name = "capture")
class Capture {

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

    /** The stored error's column width; an agent's longer reason is cut. */
    static final int ERROR_CHARS = 2000;

    @Id
    private String id;

    @Column(name = "tenant_id")
    private String tenantId;

    @Column(name = "host_id", nullable = false)
    private String hostId;

    @Column(name = "instance_id")
    private String instanceId;

    @Column(name = "max_packets", nullable = false)
    private int maxPackets;

    @Column(name = "max_seconds", nullable = false)
    private int maxSeconds;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(nullable = false)
    private String status;

    @Column(nullable = false)
    private long packets;

    @Column(nullable = false)
    private long bytes;

    @Column(name = "stopped_at")
    private Instant stoppedAt;

    @Column(name = "stop_reason")
    private String stopReason;

    @Column
    private String error;

    protected Capture() {}

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
        this.status = Status.STARTING.name();
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

    Status status() {
        return Status.valueOf(status);
    }

    boolean isActive() {
        return status() == Status.STARTING || status() == Status.RUNNING;
    }

    long packets() {
        return packets;
    }

    long bytes() {
        return bytes;
    }

    Instant stoppedAt() {
        return stoppedAt;
    }

    StopReason stopReason() {
        return stopReason == null ? null : StopReason.valueOf(stopReason);
    }

    String error() {
        return error;
    }

    /** The agent writes: a started capture becomes running; later reports only move the count. */
    void running(long packetsSoFar) {
        if (isActive()) {
            status = Status.RUNNING.name();
            packets = Math.max(packets, packetsSoFar);
        }
    }

    /** Ends an active capture as failed; false (and no change) when it had already ended. */
    boolean fail(String why, Instant at) {
        if (!isActive()) {
            return false;
        }
        status = Status.FAILED.name();
        error = why.length() > ERROR_CHARS ? why.substring(0, ERROR_CHARS) : why;
        stoppedAt = at;
        return true;
    }

    /** Ends an active capture with its checked pcap; false (and no change) when it had already ended. */
    boolean stopped(PcapSummary summary, long size, StopReason reason, Instant at) {
        if (!isActive()) {
            return false;
        }
        status = Status.STOPPED.name();
        packets = summary.packets();
        bytes = size;
        stopReason = reason.name();
        stoppedAt = at;
        return true;
    }
}
