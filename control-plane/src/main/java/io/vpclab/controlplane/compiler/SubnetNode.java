package io.vpclab.controlplane.compiler;

import java.util.List;
import java.util.Objects;

/**
 * A subnet: one segment with its VNI (and VLAN ID in VLAN teaching mode), and the routes of its
 * route table that the VPC router does not already carry: to an appliance instance, or blackholes
 * (explicit ones, and routes whose target is gone).
 */
public record SubnetNode(
        String id,
        String vpcId,
        String cidrBlock,
        String gatewayIp,
        int vni,
        Integer vlanId,
        List<TableRoute> tableRoutes) {

    public SubnetNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(vpcId, "vpcId");
        Objects.requireNonNull(cidrBlock, "cidrBlock");
        Objects.requireNonNull(gatewayIp, "gatewayIp");
        tableRoutes = tableRoutes == null ? List.of() : List.copyOf(tableRoutes);
    }

    public SubnetNode(String id, String vpcId, String cidrBlock, String gatewayIp, int vni, Integer vlanId) {
        this(id, vpcId, cidrBlock, gatewayIp, vni, vlanId, List.of());
    }

    /**
     * A route of the subnet's table for the data plane: to instance {@code instanceId}, or a
     * blackhole when that is null.
     */
    public record TableRoute(String destination, String instanceId) {

        public TableRoute {
            Objects.requireNonNull(destination, "destination");
        }

        public static TableRoute blackhole(String destination) {
            return new TableRoute(destination, null);
        }
    }
}
