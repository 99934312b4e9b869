package io.vpclab.controlplane.instance;

import io.vpclab.net.DeviceName;
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

    /** The TAP device name chosen at creation, or null: then derived from the id ({@link #deviceName()}). */
    @Column(name = "device_name")
    private String chosenDeviceName;

    /** EC2's ImageId and InstanceType as RunInstances gave them, or null. */
    @Column(name = "image_id")
    private String imageId;

    @Column(name = "instance_type")
    private String instanceType;

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
            Instant createdAt,
            String chosenDeviceName,
            String imageId,
            String instanceType) {
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
        this.chosenDeviceName = chosenDeviceName;
        this.imageId = imageId;
        this.instanceType = instanceType;
    }

    public String imageId() {
        return imageId;
    }

    public String instanceType() {
        return instanceType;
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

    /** The TAP device of a tap or netns instance (chosen or derived from the id), null for a simulated one. */
    public String deviceName() {
        if (kind() == Kind.SIMULATED) {
            return null;
        }
        return chosenDeviceName != null
                ? chosenDeviceName
                : DeviceName.derivedFrom(id).value();
    }

    /** The network namespace of a netns instance (derived from the id), else null. */
    public String namespace() {
        return kind() == Kind.NETNS ? DeviceName.namespaceFor(id) : null;
    }

    void moveTo(String newHostId) {
        this.hostId = newHostId;
    }

    void rename(String newName) {
        this.name = newName;
    }
}
