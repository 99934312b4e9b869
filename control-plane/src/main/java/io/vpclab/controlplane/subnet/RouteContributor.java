package io.vpclab.controlplane.subnet;

import java.util.List;

/**
 * Adds routes to a subnet's effective route table: the peering feature adds the peer's blocks,
 * the NAT gateway feature the default route. The subnet feature itself adds the local routes.
 */
public interface RouteContributor {

    List<RouteEntry> routesFor(Subnet subnet);

    record RouteEntry(String destinationCidrBlock, Target target, String targetId) {}

    /** Matches the API's RouteTargetType values. */
    enum Target {
        LOCAL,
        VPC_PEERING_CONNECTION,
        NAT_GATEWAY,
        INTERNET_GATEWAY,
        VPN_GATEWAY
    }
}
