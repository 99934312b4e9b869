package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.subnet.RouteContributor;
import io.vpclab.controlplane.subnet.Subnet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Every subnet of a VPC routes its VPN connections' on-premises blocks to the VPC's VPN gateway,
 * once the gateway is placed on a host (a pending gateway forwards nothing, so it routes nothing).
 */
@Component
class VpnRoutes implements RouteContributor {

    private final VpnGatewayRepository gateways;
    private final VpnConnectionRepository connections;

    VpnRoutes(VpnGatewayRepository gateways, VpnConnectionRepository connections) {
        this.gateways = gateways;
        this.connections = connections;
    }

    @Override
    public List<RouteEntry> routesFor(Subnet subnet) {
        List<RouteEntry> routes = new ArrayList<>();
        gateways.findByVpcId(subnet.vpcId())
                .filter(gateway -> gateway.hostId() != null)
                .ifPresent(gateway -> {
                    for (VpnConnection connection : connections.findByVpcIdOrderById(subnet.vpcId())) {
                        connection
                                .onPremisesCidrs()
                                .forEach(block ->
                                        routes.add(new RouteEntry(block.toString(), Target.VPN_GATEWAY, gateway.id())));
                    }
                });
        return routes;
    }

    /** A VPC's gateway propagates the same routes to each of its subnets. */
    @Override
    public Map<String, List<RouteEntry>> routesForEach(String vpcId, List<Subnet> subnetsOfVpc) {
        if (subnetsOfVpc.isEmpty()) {
            return Map.of();
        }
        List<RouteEntry> routes = routesFor(subnetsOfVpc.get(0));
        Map<String, List<RouteEntry>> bySubnet = new HashMap<>();
        subnetsOfVpc.forEach(subnet -> bySubnet.put(subnet.id(), routes));
        return bySubnet;
    }
}
