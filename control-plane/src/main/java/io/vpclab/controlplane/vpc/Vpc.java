package io.vpclab.controlplane.vpc;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "vpc")
public class Vpc {

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    private String name;

    /** The primary block, canonical; secondary blocks live in {@link VpcCidrBlock}. */
    @Column(name = "cidr_block", nullable = false)
    private String cidrBlock;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Vpc() {}

    Vpc(String id, String tenantId, String name, String cidrBlock, Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.name = name;
        this.cidrBlock = cidrBlock;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String tenantId() {
        return tenantId;
    }

    public String name() {
        return name;
    }

    public String cidrBlock() {
        return cidrBlock;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
