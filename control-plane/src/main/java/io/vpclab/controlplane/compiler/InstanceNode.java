package io.vpclab.controlplane.compiler;

import java.util.Objects;

/**
 * An instance: one port with its addresses, placed on one host; {@code deviceName} and
 * {@code namespace} as the instance API shows them (null where the kind has none).
 */
public record InstanceNode(
        String id,
        String name,
        String subnetId,
        String hostId,
        String kind,
        String privateIp,
        String mac,
        String deviceName,
        String namespace) {

    /** A port without device or namespace names (a simulated instance, a NAT gateway's side). */
    public InstanceNode(
            String id, String name, String subnetId, String hostId, String kind, String privateIp, String mac) {
        this(id, name, subnetId, hostId, kind, privateIp, mac, null, null);
    }

    public InstanceNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subnetId, "subnetId");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(privateIp, "privateIp");
        Objects.requireNonNull(mac, "mac");
    }
}
