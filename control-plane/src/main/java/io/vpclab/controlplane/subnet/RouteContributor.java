package io.vpclab.controlplane.subnet;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds routes to a subnet's effective route table: the route table feature adds the routes of
 * the subnet's table, the VPN feature the on-premises blocks its gateway propagates. The subnet
 * feature itself adds the local routes.
 */
public interface RouteContributor {

    List<RouteEntry> routesFor(Subnet subnet);

    /** {@link #routesFor} of each of these subnets of one VPC, by subnet ID; override to read the VPC once. */
    default Map<String, List<RouteEntry>> routesForEach(String vpcId, List<Subnet> subnetsOfVpc) {
        Map<String, List<RouteEntry>> bySubnet = new HashMap<>();
        subnetsOfVpc.forEach(subnet -> bySubnet.put(subnet.id(), routesFor(subnet)));
        return bySubnet;
    }

    /**
     * @param active       false when the route is a blackhole (explicit, or its target is gone)
     * @param routeTableId the table the route comes from, or null for a propagated route
     */
    record RouteEntry(
            String destinationCidrBlock, Target target, String targetId, boolean active, String routeTableId) {

        public RouteEntry(String destinationCidrBlock, Target target, String targetId) {
            this(destinationCidrBlock, target, targetId, true, null);
        }
    }

    /** Matches the API's RouteTargetType values. */
    enum Target {
        LOCAL,
        VPC_PEERING_CONNECTION,
        NAT_GATEWAY,
        INTERNET_GATEWAY,
        VPN_GATEWAY,
        INSTANCE,
        BLACKHOLE
    }
}
