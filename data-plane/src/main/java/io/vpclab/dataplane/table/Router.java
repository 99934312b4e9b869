package io.vpclab.dataplane.table;

import io.vpclab.net.MacAddress;
import java.util.List;

/**
 * A VPC's distributed router (contract schema {@code Router}): answers for every gateway IP of
 * its segments with one MAC and routes between them at the ingress host.
 */
public record Router(String id, MacAddress mac, List<Route> routes) {

    public Router {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("router.id is required");
        }
        TableHost.requireNonNull(mac, "router " + id + ": mac");
        if (mac.isMulticast()) {
            throw new IllegalArgumentException("router " + id + ": mac " + mac + " is not unicast");
        }
        routes = routes == null ? List.of() : List.copyOf(routes);
    }
}
