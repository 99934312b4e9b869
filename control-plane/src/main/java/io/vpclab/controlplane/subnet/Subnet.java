package io.vpclab.controlplane.subnet;

import io.vpclab.net.Ipv4Prefix;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One subnet = one L2 segment with its own segment ID (VNI or VLAN ID). The CIDR is immutable. */
@Entity
@Table(name = "subnet")
public class Subnet {

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    @Column(name = "vpc_id", nullable = false)
    private String vpcId;

    private String name;

    @Column(name = "cidr_block", nullable = false)
    private String cidrBlock;

    @Column(name = "first_address", nullable = false)
    private long firstAddress;

    @Column(name = "last_address", nullable = false)
    private long lastAddress;

    @Column(nullable = false)
    private String segmentation;

    @Column(name = "segment_id", nullable = false)
    private int segmentId;

    /** Addresses held in address_allocation; kept here so lists show free counts without a count per row. */
    @Column(name = "allocated_count", nullable = false)
    private int allocatedCount;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Subnet() {}

    Subnet(
            String id,
            String tenantId,
            String vpcId,
            String name,
            Ipv4Prefix cidr,
            SegmentIdAllocator.Segment segment,
            Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.vpcId = vpcId;
        this.name = name;
        this.cidrBlock = cidr.toString();
        this.firstAddress = cidr.first();
        this.lastAddress = cidr.last();
        this.segmentation = segment.mode();
        this.segmentId = segment.id();
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

    public String name() {
        return name;
    }

    void rename(String newName) {
        this.name = newName;
    }

    public String cidrBlock() {
        return cidrBlock;
    }

    public Ipv4Prefix cidr() {
        return Ipv4Prefix.of(firstAddress, 32 - Long.numberOfTrailingZeros(lastAddress - firstAddress + 1));
    }

    public AddressPlan addressPlan() {
        return new AddressPlan(cidr());
    }

    /** "vxlan" or "vlan". */
    public String segmentation() {
        return segmentation;
    }

    public int segmentId() {
        return segmentId;
    }

    public int allocatedCount() {
        return allocatedCount;
    }

    public long availableAddressCount() {
        return addressPlan().usableCount() - allocatedCount;
    }

    public Instant createdAt() {
        return createdAt;
    }

    void addressesTaken(int delta) {
        allocatedCount += delta;
    }
}
