package io.vpclab.controlplane.natgateway;

import io.vpclab.controlplane.subnet.RouteContributor;
import io.vpclab.controlplane.subnet.Subnet;
import java.util.List;
import org.springframework.stereotype.Component;

/** An associated subnet's default route goes to its NAT gateway. Reads only the association table. */
@Component
class NatGatewayRoutes implements RouteContributor {

    private final NatGatewaySubnetRepository associations;

    NatGatewayRoutes(NatGatewaySubnetRepository associations) {
        this.associations = associations;
    }

    @Override
    public List<RouteEntry> routesFor(Subnet subnet) {
        return associations.findById(subnet.id())
                .map(association -> List.of(new RouteEntry("0.0.0.0/0", Target.NAT_GATEWAY, association.natGatewayId())))
                .orElse(List.of());
    }
}
