package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.Vni;

/** A router's route: packets for {@code destination} leave on segment {@code vni}. */
public record Route(Ipv4Prefix destination, Vni vni) {

    public Route {
        TableHost.requireNonNull(destination, "route.destination");
        TableHost.requireNonNull(vni, "route " + destination + ": vni");
    }
}
