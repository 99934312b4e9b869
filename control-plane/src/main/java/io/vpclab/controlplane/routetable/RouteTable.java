package io.vpclab.controlplane.routetable;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "route_table")
public class RouteTable {

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    @Column(name = "vpc_id", nullable = false)
    private String vpcId;

    private String name;

    @Column(name = "is_main", nullable = false)
    private boolean main;

    /** The gateway whose subnet-association API made this table (it goes with the gateway), or null. */
    @Column(name = "nat_gateway_id")
    private String natGatewayId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected RouteTable() {}

    RouteTable(
            String id,
            String tenantId,
            String vpcId,
            String name,
            boolean main,
            String natGatewayId,
            Instant createdAt) {
        this.id = id;
        this.name = name;
        this.tenantId = tenantId;
        this.vpcId = vpcId;
        this.main = main;
        this.natGatewayId = natGatewayId;
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

    void rename(String newName) {
        this.name = newName;
    }

    public boolean isMain() {
        return main;
    }

    String natGatewayId() {
        return natGatewayId;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
