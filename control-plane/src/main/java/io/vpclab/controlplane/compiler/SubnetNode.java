package io.vpclab.controlplane.compiler;

import java.util.Objects;

/** A subnet: one segment with its VNI (and VLAN ID in VLAN teaching mode). */
public record SubnetNode(String id, String vpcId, String cidrBlock, String gatewayIp, int vni, Integer vlanId) {

    public SubnetNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(vpcId, "vpcId");
        Objects.requireNonNull(cidrBlock, "cidrBlock");
        Objects.requireNonNull(gatewayIp, "gatewayIp");
    }
}
