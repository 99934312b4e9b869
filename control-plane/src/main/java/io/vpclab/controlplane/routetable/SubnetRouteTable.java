package io.vpclab.controlplane.routetable;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A subnet's explicit association; a subnet without one uses its VPC's main table. */
@Entity
@Table(name = "subnet_route_table")
public class SubnetRouteTable {

    @Id
    @Column(name = "subnet_id")
    private String subnetId;

    @Column(name = "route_table_id", nullable = false)
    private String routeTableId;

    protected SubnetRouteTable() {}

    SubnetRouteTable(String subnetId, String routeTableId) {
        this.subnetId = subnetId;
        this.routeTableId = routeTableId;
    }

    public String subnetId() {
        return subnetId;
    }

    public String routeTableId() {
        return routeTableId;
    }

    void replaceWith(String nextRouteTableId) {
        this.routeTableId = nextRouteTableId;
    }
}
