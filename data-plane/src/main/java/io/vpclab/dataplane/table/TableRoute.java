package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.Vni;

/**
 * A route of one source segment's route table that the VPC router's routes do not express
 * (contract schema {@code SegmentTableRoute}): packets routed from segment {@code from} to
 * {@code destination} leave on segment {@code via} to the MAC bound to {@code nextHop} (an
 * instance acting as an appliance: the packet keeps its destination address), or, with neither,
 * are dropped as a blackhole. Keyed by the source segment because routers are per VPC and route
 * tables per subnet.
 */
public record TableRoute(Vni from, Ipv4Prefix destination, Vni via, Ipv4Address nextHop) {

    public TableRoute {
        TableHost.requireNonNull(from, "tableRoute.from");
        TableHost.requireNonNull(destination, "tableRoute of " + from + ": destination");
        if ((via == null) != (nextHop == null)) {
            throw new IllegalArgumentException("tableRoute of " + from + " to " + destination
                    + ": vni and nextHop go together (neither: blackhole)");
        }
    }

    public static TableRoute blackhole(Vni from, Ipv4Prefix destination) {
        return new TableRoute(from, destination, null, null);
    }

    public boolean isBlackhole() {
        return via == null;
    }
}
