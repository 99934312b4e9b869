package io.vpclab.controlplane.natgateway;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "nat_gateway")
public class NatGateway {

    public enum EgressPolicy {
        ALLOW_ALL,
        WHITELIST
    }

    /** AWS's NAT gateway drops a connection idle for 350 s. */
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 350;

    public static final int MAX_IDLE_TIMEOUT_SECONDS = 86_400;

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    @Column(name = "vpc_id", nullable = false)
    private String vpcId;

    @Column(name = "subnet_id", nullable = false)
    private String subnetId;

    private String name;

    @Column(name = "host_id")
    private String hostId;

    @Column(name = "private_ip_address", nullable = false)
    private String privateIpAddress;

    @Column(name = "egress_policy", nullable = false)
    private String egressPolicy;

    @Column(name = "whitelist_id")
    private String whitelistId;

    @Column(name = "tcp_idle_timeout", nullable = false)
    private int tcpIdleTimeoutSeconds;

    @Column(name = "udp_idle_timeout", nullable = false)
    private int udpIdleTimeoutSeconds;

    /** "available" when placed on a host, "pending" while no host is registered. */
    @Column(nullable = false)
    private String state;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected NatGateway() {}

    NatGateway(
            String id,
            String tenantId,
            String vpcId,
            String subnetId,
            String name,
            String hostId,
            String privateIpAddress,
            EgressPolicy egressPolicy,
            String whitelistId,
            int tcpIdleTimeoutSeconds,
            int udpIdleTimeoutSeconds,
            Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.vpcId = vpcId;
        this.subnetId = subnetId;
        this.name = name;
        this.hostId = hostId;
        this.privateIpAddress = privateIpAddress;
        this.egressPolicy = egressPolicy.name();
        this.whitelistId = whitelistId;
        this.tcpIdleTimeoutSeconds = tcpIdleTimeoutSeconds;
        this.udpIdleTimeoutSeconds = udpIdleTimeoutSeconds;
        this.state = hostId == null ? "pending" : "available";
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String tenantId() {
        return tenantId;
    }

    public String vpcId() {
        return vpcId;
    }

    public String subnetId() {
        return subnetId;
    }

    public String name() {
        return name;
    }

    void rename(String newName) {
        this.name = newName;
    }

    public String hostId() {
        return hostId;
    }

    public String privateIpAddress() {
        return privateIpAddress;
    }

    public EgressPolicy egressPolicy() {
        return EgressPolicy.valueOf(egressPolicy);
    }

    public String whitelistId() {
        return whitelistId;
    }

    public int tcpIdleTimeoutSeconds() {
        return tcpIdleTimeoutSeconds;
    }

    public int udpIdleTimeoutSeconds() {
        return udpIdleTimeoutSeconds;
    }

    public String state() {
        return state;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** Placed on a host: the gateway becomes available. */
    void placeOn(String newHostId) {
        this.hostId = newHostId;
        this.state = "available";
    }

    void applyPolicy(EgressPolicy policy, String newWhitelistId) {
        this.egressPolicy = policy.name();
        this.whitelistId = newWhitelistId;
    }

    void idleTimeouts(int tcpSeconds, int udpSeconds) {
        this.tcpIdleTimeoutSeconds = tcpSeconds;
        this.udpIdleTimeoutSeconds = udpSeconds;
    }
}
