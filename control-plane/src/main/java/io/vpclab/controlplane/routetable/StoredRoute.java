package io.vpclab.controlplane.routetable;

import io.vpclab.controlplane.subnet.RouteContributor.Target;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One stored route of a table (local routes are implicit); a table routes a destination once. */
@Entity
@Table(name = "route_table_route")
public class StoredRoute {

    @Id
    private String id;

    @Column(name = "route_table_id", nullable = false)
    private String routeTableId;

    @Column(nullable = false)
    private String destination;

    @Enumerated(EnumType.STRING)
    @Column(name = "target_type", nullable = false)
    private Target targetType;

    @Column(name = "target_id")
    private String targetId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected StoredRoute() {}

    StoredRoute(String routeTableId, String destination, Target targetType, String targetId, Instant createdAt) {
        this.id = key(routeTableId, destination);
        this.routeTableId = routeTableId;
        this.destination = destination;
        this.targetType = targetType;
        this.targetId = targetId;
        this.createdAt = createdAt;
    }

    /** The row key: the table and the canonical destination (as migration V7 writes it). */
    static String key(String routeTableId, String destination) {
        return routeTableId + "|" + destination;
    }

    public String routeTableId() {
        return routeTableId;
    }

    public String destination() {
        return destination;
    }

    public Target targetType() {
        return targetType;
    }

    public String targetId() {
        return targetId;
    }

    void pointAt(Target nextType, String nextId) {
        this.targetType = nextType;
        this.targetId = nextId;
    }
}
