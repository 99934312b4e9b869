package io.vpclab.controlplane.compiler;

import java.util.Objects;

/** A host of the simulated internet: one port on the provider segment, placed on one VTEP host. */
public record InternetHostNode(String id, String name, String hostId, String kind, String publicIp, String mac) {

    public InternetHostNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(publicIp, "publicIp");
        Objects.requireNonNull(mac, "mac");
    }
}
