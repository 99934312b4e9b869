package io.vpclab.controlplane.whitelist;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "whitelist")
public class Whitelist {

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    @Column(nullable = false)
    private String name;

    /** Packets no rule allowed, as reported by the data plane. */
    @Column(name = "drop_count", nullable = false)
    private long dropCount;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Whitelist() {}

    Whitelist(String id, String tenantId, String name, Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.name = name;
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

    public long dropCount() {
        return dropCount;
    }

    public Instant createdAt() {
        return createdAt;
    }

    void addDrops(long drops) {
        dropCount += drops;
    }
}
