package io.vpclab.controlplane.tenant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant's bearer token; only the SHA-256 of the secret is kept. */
@Entity
@Table(name = "tenant_token")
public class TenantToken {

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    @Column(name = "token_hash", nullable = false)
    private String tokenHash;

    private String description;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected TenantToken() {}

    TenantToken(String id, String tenantId, String tokenHash, String description, Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.tokenHash = tokenHash;
        this.description = description;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String tenantId() {
        return tenantId;
    }

    public String description() {
        return description;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
