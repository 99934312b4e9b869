package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.Vni;

/**
 * A router's route: packets for {@code destination} leave on segment {@code vni}, to the MAC bound
 * to {@code nextHop} there (a VPN gateway's tunnel address), or, without one, to the destination's.
 */
public record Route(Ipv4Prefix destination, Vni vni, Ipv4Address nextHop) {

    public Route {
        TableHost.requireNonNull(destination, "route.destination");
        TableHost.requireNonNull(vni, "route " + destination + ": vni");
    }

    public Route(Ipv4Prefix destination, Vni vni) {
        this(destination, vni, null);
    }
}
