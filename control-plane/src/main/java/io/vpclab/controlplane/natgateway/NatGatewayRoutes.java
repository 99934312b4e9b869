package io.vpclab.controlplane.natgateway;

import io.vpclab.controlplane.subnet.RouteContributor;
import io.vpclab.controlplane.subnet.Subnet;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * An associated subnet's default route goes to its NAT gateway once the gateway is placed on a
 * host, as the data plane does (a pending gateway forwards nothing, so it routes nothing). Reads
 * only the NAT gateway feature's own tables.
 */
@Component
class NatGatewayRoutes implements RouteContributor {

    private final NatGatewaySubnetRepository associations;
    private final NatGatewayRepository gateways;

    NatGatewayRoutes(NatGatewaySubnetRepository associations, NatGatewayRepository gateways) {
        this.associations = associations;
        this.gateways = gateways;
    }

    @Override
    public List<RouteEntry> routesFor(Subnet subnet) {
        return associations
                .findById(subnet.id())
                .filter(association -> gateways.findById(association.natGatewayId())
                        .map(NatGateway::hostId)
                        .isPresent())
                .map(association ->
                        List.of(new RouteEntry("0.0.0.0/0", Target.NAT_GATEWAY, association.natGatewayId())))
                .orElse(List.of());
    }
}
