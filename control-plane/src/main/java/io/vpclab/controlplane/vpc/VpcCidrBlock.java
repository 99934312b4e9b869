package io.vpclab.controlplane.vpc;

import io.vpclab.net.Ipv4Prefix;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One CIDR block of a VPC (the primary or a secondary one), with its address range for overlap queries. */
@Entity
@Table(name = "vpc_cidr_block")
public class VpcCidrBlock {

    @Id
    private String id;

    @Column(name = "vpc_id", nullable = false)
    private String vpcId;

    @Column(name = "cidr_block", nullable = false)
    private String cidrBlock;

    @Column(name = "first_address", nullable = false)
    private long firstAddress;

    @Column(name = "last_address", nullable = false)
    private long lastAddress;

    @Column(name = "is_primary", nullable = false)
    private boolean primary;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected VpcCidrBlock() {}

    VpcCidrBlock(String id, String vpcId, Ipv4Prefix cidr, boolean primary, Instant createdAt) {
        this.id = id;
        this.vpcId = vpcId;
        this.cidrBlock = cidr.toString();
        this.firstAddress = cidr.first();
        this.lastAddress = cidr.last();
        this.primary = primary;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String vpcId() {
        return vpcId;
    }

    public Ipv4Prefix cidr() {
        return Ipv4Prefix.of(firstAddress, 32 - Long.numberOfTrailingZeros(lastAddress - firstAddress + 1));
    }

    public String cidrBlock() {
        return cidrBlock;
    }

    public boolean primary() {
        return primary;
    }
}
