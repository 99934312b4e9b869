package io.vpclab.controlplane.peering;

import io.vpclab.controlplane.subnet.RouteContributor;
import io.vpclab.controlplane.subnet.Subnet;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.net.Ipv4Prefix;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/** While a peering is active, every subnet on either side routes each of the peer's blocks to it. */
@Component
class PeeringRoutes implements RouteContributor {

    private final PeeringRepository peerings;
    private final VpcService vpcs;

    PeeringRoutes(PeeringRepository peerings, VpcService vpcs) {
        this.peerings = peerings;
        this.vpcs = vpcs;
    }

    @Override
    public List<RouteEntry> routesFor(Subnet subnet) {
        List<RouteEntry> routes = new ArrayList<>();
        for (Peering peering : peerings.ofVpcWithStatus(subnet.vpcId(), PeeringStatus.ACTIVE.value())) {
            for (Ipv4Prefix block :
                    vpcs.get(Caller.admin(), peering.peerOf(subnet.vpcId())).cidrs()) {
                routes.add(new RouteEntry(block.toString(), Target.VPC_PEERING_CONNECTION, peering.id()));
            }
        }
        return routes;
    }
}
