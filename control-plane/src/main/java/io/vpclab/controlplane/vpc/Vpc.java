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

    /** Agents answer ARP from their bindings (true) or flood broadcast ARP to the segment (false). */
    @Column(name = "arp_suppression", nullable = false)
    private boolean arpSuppression = true;

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

    void rename(String newName) {
        this.name = newName;
    }

    public String cidrBlock() {
        return cidrBlock;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public boolean arpSuppression() {
        return arpSuppression;
    }

    void arpSuppression(boolean on) {
        this.arpSuppression = on;
    }
}
