package io.vpclab.controlplane.compiler;

import java.util.Objects;

/** An instance: one port with its addresses, placed on one host. */
public record InstanceNode(
        String id, String name, String subnetId, String hostId, String kind, String privateIp, String mac) {

    public InstanceNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subnetId, "subnetId");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(privateIp, "privateIp");
        Objects.requireNonNull(mac, "mac");
    }
}
