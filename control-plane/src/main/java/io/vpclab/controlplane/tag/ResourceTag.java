package io.vpclab.controlplane.tag;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One tag: a key and its value on one resource of one tenant. */
@Entity
@Table(name = "resource_tag")
public class ResourceTag {

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    @Column(name = "resource_id", nullable = false)
    private String resourceId;

    @Column(name = "tag_key", nullable = false)
    private String key;

    @Column(name = "tag_value", nullable = false)
    private String value;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected ResourceTag() {}

    ResourceTag(String tenantId, String resourceId, String key, String value, Instant createdAt) {
        this.id = id(resourceId, key);
        this.tenantId = tenantId;
        this.resourceId = resourceId;
        this.key = key;
        this.value = value;
        this.createdAt = createdAt;
    }

    /** The row's ID: one row per resource and key. */
    static String id(String resourceId, String key) {
        return resourceId + "/" + key;
    }

    void revalue(String newValue) {
        this.value = newValue;
    }

    public String tenantId() {
        return tenantId;
    }

    public String resourceId() {
        return resourceId;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }
}
