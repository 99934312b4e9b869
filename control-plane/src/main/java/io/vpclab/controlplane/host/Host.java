package io.vpclab.controlplane.host;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A registered VTEP. The southbound work fills status, generations, lastSeen and convergence;
 * until then a host is disconnected at generation 0.
 */
@Entity
@Table(name = "host")
public class Host {

    /** Instance kinds a host can run; stored as a comma-separated list. */
    public enum Capability {
        SIMULATED,
        NETNS,
        TAP
    }

    public enum Status {
        CONNECTED,
        DISCONNECTED
    }

    @Id
    private String id;

    @Column(nullable = false)
    private String name;

    @Column(name = "underlay_ip", nullable = false)
    private String underlayIp;

    @Column(name = "udp_port", nullable = false)
    private int udpPort;

    @Column(name = "underlay_mtu", nullable = false)
    private int underlayMtu;

    @Column(nullable = false)
    private String capabilities;

    @Column(name = "token_hash", nullable = false)
    private String tokenHash;

    @Column(nullable = false)
    private String status;

    @Column(name = "desired_generation", nullable = false)
    private long desiredGeneration;

    @Column(name = "applied_generation", nullable = false)
    private long appliedGeneration;

    @Column(name = "last_seen")
    private Instant lastSeen;

    /** The replica that serves the host's table stream; null while none does. */
    @Column(name = "connected_replica")
    private String connectedReplica;

    @Column(name = "convergence_millis")
    private Long convergenceMillis;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Host() {}

    Host(
            String id,
            String name,
            String underlayIp,
            int udpPort,
            int underlayMtu,
            Set<Capability> capabilities,
            String tokenHash,
            Instant createdAt) {
        this.id = id;
        this.name = name;
        this.underlayIp = underlayIp;
        this.udpPort = udpPort;
        this.underlayMtu = underlayMtu;
        this.capabilities = capabilities.stream().sorted().map(Enum::name).collect(Collectors.joining(","));
        this.tokenHash = tokenHash;
        this.status = Status.DISCONNECTED.name();
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String underlayIp() {
        return underlayIp;
    }

    public int udpPort() {
        return udpPort;
    }

    public int underlayMtu() {
        return underlayMtu;
    }

    public Set<Capability> capabilities() {
        EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
        Arrays.stream(capabilities.split(","))
                .filter(s -> !s.isBlank())
                .map(Capability::valueOf)
                .forEach(set::add);
        return set;
    }

    public boolean canRun(Capability kind) {
        return capabilities().contains(kind);
    }

    public Status status() {
        return Status.valueOf(status);
    }

    public long desiredGeneration() {
        return desiredGeneration;
    }

    public long appliedGeneration() {
        return appliedGeneration;
    }

    public Instant lastSeen() {
        return lastSeen;
    }

    public Long convergenceMillis() {
        return convergenceMillis;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The agent's stream is open (or closed) as of {@code when}. */
    void markSeen(Status newStatus, Instant when) {
        this.status = newStatus.name();
        this.lastSeen = when;
    }

    /** The agent follows the stream of replica {@code replicaId} as of {@code when}. */
    void connectedTo(String replicaId, Instant when) {
        markSeen(Status.CONNECTED, when);
        this.connectedReplica = replicaId;
    }

    /**
     * Replica {@code replicaId} lost the agent's stream at {@code when}; no change when the
     * agent follows another replica by now (its old stream may close late).
     */
    void disconnectedFrom(String replicaId, Instant when) {
        if (connectedReplica == null || connectedReplica.equals(replicaId)) {
            markSeen(Status.DISCONNECTED, when);
            this.connectedReplica = null;
        }
    }

    /** A table of this generation was compiled for the host; generations only rise. */
    void raiseDesiredGeneration(long generation) {
        this.desiredGeneration = Math.max(desiredGeneration, generation);
    }

    /** The agent acknowledged {@code generation}, {@code millis} after the API commit. */
    void acknowledge(long generation, Long millis, Instant when) {
        this.appliedGeneration = Math.max(appliedGeneration, generation);
        this.convergenceMillis = millis;
        this.lastSeen = when;
    }
}
