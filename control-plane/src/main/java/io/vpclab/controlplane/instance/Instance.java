package io.vpclab.controlplane.instance;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A port in one subnet, placed on one host. Its IP and MAC never change; its host may (live migration). */
@Entity
@Table(name = "instance")
public class Instance {

    public enum Kind {
        SIMULATED,
        NETNS,
        TAP
    }

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    @Column(name = "vpc_id", nullable = false)
    private String vpcId;

    @Column(name = "subnet_id", nullable = false)
    private String subnetId;

    @Column(name = "host_id", nullable = false)
    private String hostId;

    @Column(nullable = false)
    private String kind;

    private String name;

    @Column(name = "private_ip_address", nullable = false)
    private String privateIpAddress;

    @Column(name = "mac_address", nullable = false)
    private String macAddress;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Instance() {}

    Instance(
            String id,
            String tenantId,
            String vpcId,
            String subnetId,
            String hostId,
            Kind kind,
            String name,
            String privateIpAddress,
            String macAddress,
            Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.vpcId = vpcId;
        this.subnetId = subnetId;
        this.hostId = hostId;
        this.kind = kind.name();
        this.name = name;
        this.privateIpAddress = privateIpAddress;
        this.macAddress = macAddress;
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

    public String hostId() {
        return hostId;
    }

    public Kind kind() {
        return Kind.valueOf(kind);
    }

    public String name() {
        return name;
    }

    public String privateIpAddress() {
        return privateIpAddress;
    }

    public String macAddress() {
        return macAddress;
    }

    public Instant createdAt() {
        return createdAt;
    }

    void moveTo(String newHostId) {
        this.hostId = newHostId;
    }

    void rename(String newName) {
        this.name = newName;
    }
}
