package io.vpclab.controlplane.networkacl;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "network_acl")
public class NetworkAcl {

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    @Column(name = "vpc_id", nullable = false)
    private String vpcId;

    @Column(name = "is_default", nullable = false)
    private boolean isDefault;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected NetworkAcl() {}

    NetworkAcl(String id, String tenantId, String vpcId, boolean isDefault, Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.vpcId = vpcId;
        this.isDefault = isDefault;
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

    public boolean isDefault() {
        return isDefault;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
