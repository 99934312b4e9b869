package io.vpclab.controlplane.accesskey;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An access key: its ID (AKIA...), its tenant and its secret, sealed by {@link io.vpclab.controlplane.system.SecretSealer}. */
@Entity
@Table(name = "access_key")
public class AccessKey {

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    @Column(name = "secret_sealed", nullable = false)
    private String secretSealed;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected AccessKey() {}

    AccessKey(String id, String tenantId, String secretSealed, Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.secretSealed = secretSealed;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String tenantId() {
        return tenantId;
    }

    String secretSealed() {
        return secretSealed;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
