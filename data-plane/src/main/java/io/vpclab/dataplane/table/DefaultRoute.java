package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Vni;

/**
 * The default route of one source segment (contract schema {@code Segment.defaultRoute}):
 * packets routed from segment {@code from} for which its router has no route leave on segment
 * {@code via} to the MAC bound to {@code nextHop} (a NAT gateway's private address). Routers are
 * per VPC, so a route that only some subnets have is keyed by the source segment.
 */
public record DefaultRoute(Vni from, Vni via, Ipv4Address nextHop) {

    public DefaultRoute {
        TableHost.requireNonNull(from, "defaultRoute.from");
        TableHost.requireNonNull(via, "defaultRoute of " + from + ": vni");
        TableHost.requireNonNull(nextHop, "defaultRoute of " + from + ": nextHop");
    }
}
