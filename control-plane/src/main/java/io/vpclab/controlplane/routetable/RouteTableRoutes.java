package io.vpclab.controlplane.routetable;

import io.vpclab.controlplane.subnet.RouteContributor;
import io.vpclab.controlplane.subnet.Subnet;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * A subnet's effective routes come from its route table. The service is looked up on use: it
 * depends on the subnet feature, whose service collects the contributors.
 */
@Component
class RouteTableRoutes implements RouteContributor {

    private final ObjectProvider<RouteTableService> tables;

    RouteTableRoutes(ObjectProvider<RouteTableService> tables) {
        this.tables = tables;
    }

    @Override
    public List<RouteEntry> routesFor(Subnet subnet) {
        return tables.getObject().routesOf(subnet);
    }

    @Override
    public Map<String, List<RouteEntry>> routesForEach(String vpcId, List<Subnet> subnetsOfVpc) {
        return tables.getObject()
                .routesOfVpc(vpcId, subnetsOfVpc.stream().map(Subnet::id).toList());
    }
}
