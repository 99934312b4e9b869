package io.vpclab.controlplane.subnet;

import java.util.List;

/**
 * Adds routes to a subnet's effective route table: the route table feature adds the routes of
 * the subnet's table, the VPN feature the on-premises blocks its gateway propagates. The subnet
 * feature itself adds the local routes.
 */
public interface RouteContributor {

    List<RouteEntry> routesFor(Subnet subnet);

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
