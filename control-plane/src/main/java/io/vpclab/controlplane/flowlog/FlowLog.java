package io.vpclab.controlplane.flowlog;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A flow log configuration: which VPC, subnet or instance, which traffic, how long a record aggregates. */
@Entity
@Table(name = "flow_log")
public class FlowLog {

    /** What a configuration covers. */
    public enum ResourceType {
        VPC,
        SUBNET,
        INSTANCE
    }

    /** Which records a configuration keeps (AWS TrafficType). */
    public enum TrafficType {
        ACCEPT,
        REJECT,
        ALL;

        boolean keeps(boolean accepted) {
            return this == ALL || (this == ACCEPT) == accepted;
        }
    }

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    @Column(name = "vpc_id", nullable = false)
    private String vpcId;

    @Column(name = "resource_id", nullable = false)
    private String resourceId;

    @Enumerated(EnumType.STRING)
    @Column(name = "resource_type", nullable = false)
    private ResourceType resourceType;

    @Enumerated(EnumType.STRING)
    @Column(name = "traffic_type", nullable = false)
    private TrafficType trafficType;

    @Column(name = "max_aggregation_interval", nullable = false)
    private int maxAggregationInterval;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected FlowLog() {}

    FlowLog(
            String id,
            String tenantId,
            String vpcId,
            String resourceId,
            ResourceType resourceType,
            TrafficType trafficType,
            int maxAggregationInterval,
            Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.vpcId = vpcId;
        this.resourceId = resourceId;
        this.resourceType = resourceType;
        this.trafficType = trafficType;
        this.maxAggregationInterval = maxAggregationInterval;
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

    public String resourceId() {
        return resourceId;
    }

    public ResourceType resourceType() {
        return resourceType;
    }

    public TrafficType trafficType() {
        return trafficType;
    }

    public int maxAggregationInterval() {
        return maxAggregationInterval;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
