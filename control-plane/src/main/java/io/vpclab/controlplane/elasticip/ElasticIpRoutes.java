package io.vpclab.controlplane.elasticip;

import io.vpclab.controlplane.subnet.RouteContributor;
import io.vpclab.controlplane.subnet.Subnet;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * An instance with an EIP leaves through it, not through its subnet's NAT gateway: one
 * internet-gateway default route per such instance, its targetId the allocationId. Reads only the
 * EIP table, so the subnet feature can depend on it without a cycle.
 */
@Component
class ElasticIpRoutes implements RouteContributor {

    private final ElasticIpRepository eips;

    ElasticIpRoutes(ElasticIpRepository eips) {
        this.eips = eips;
    }

    @Override
    public List<RouteEntry> routesFor(Subnet subnet) {
        return eips.findBySubnetIdAndInstanceIdIsNotNullOrderById(subnet.id()).stream()
                .map(eip -> new RouteEntry("0.0.0.0/0", Target.INTERNET_GATEWAY, eip.id()))
                .toList();
    }
}
