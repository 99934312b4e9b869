package io.vpclab.controlplane.natgateway;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A subnet sent out through a NAT gateway; keyed by the subnet, so a subnet has at most one. */
@Entity
@Table(name = "nat_gateway_subnet")
class NatGatewaySubnet {

    @Id
    @Column(name = "subnet_id")
    private String subnetId;

    @Column(name = "nat_gateway_id", nullable = false)
    private String natGatewayId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected NatGatewaySubnet() {}

    NatGatewaySubnet(String subnetId, String natGatewayId, Instant createdAt) {
        this.subnetId = subnetId;
        this.natGatewayId = natGatewayId;
        this.createdAt = createdAt;
    }

    String subnetId() {
        return subnetId;
    }

    String natGatewayId() {
        return natGatewayId;
    }
}
