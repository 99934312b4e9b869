package io.vpclab.controlplane.securitygroup;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "security_group")
public class SecurityGroup {

    /** The name of each VPC's own group (AWS). */
    public static final String DEFAULT_NAME = "default";

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    @Column(name = "vpc_id", nullable = false)
    private String vpcId;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String description;

    @Column(name = "is_default", nullable = false)
    private boolean isDefault;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected SecurityGroup() {}

    SecurityGroup(
            String id,
            String tenantId,
            String vpcId,
            String name,
            String description,
            boolean isDefault,
            Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.vpcId = vpcId;
        this.name = name;
        this.description = description;
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

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public boolean isDefault() {
        return isDefault;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
