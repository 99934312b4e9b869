package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.VlanSpec;
import io.vpclab.net.Vni;
import java.util.List;

/**
 * One L2 broadcast domain (a subnet) identified by its VNI (contract schema {@code Segment}).
 *
 * @param vni       the segment's VNI
 * @param cidrBlock the subnet, or null for a pure L2 segment
 * @param gatewayIp the distributed router's address here, or null when not routed
 * @param routerId  the router (VPC) this segment belongs to, or null
 * @param floodList ids of the VTEPs that get a copy of broadcast frames (head-end replication)
 * @param vlanId    1..4094 in VLAN teaching mode, else null; the wire still carries the VNI
 */
public record Segment(
        Vni vni, Ipv4Prefix cidrBlock, Ipv4Address gatewayIp, String routerId, List<String> floodList, Integer vlanId) {

    public Segment {
        TableHost.requireNonNull(vni, "segment.vni");
        floodList = floodList == null ? List.of() : List.copyOf(floodList);
        if (vlanId != null && !VlanSpec.isValidId(vlanId)) {
            throw new IllegalArgumentException("segment " + vni + ": vlanId must be " + VlanSpec.RANGE + ": " + vlanId);
        }
        if (gatewayIp != null && routerId == null) {
            throw new IllegalArgumentException("segment " + vni + ": gatewayIp needs a routerId");
        }
        if (gatewayIp != null && cidrBlock != null && !cidrBlock.contains(gatewayIp.bits())) {
            throw new IllegalArgumentException(
                    "segment " + vni + ": gatewayIp " + gatewayIp + " is outside " + cidrBlock);
        }
    }

    /** A pure L2 segment: no subnet, no router. */
    public static Segment l2(Vni vni, List<String> floodList) {
        return new Segment(vni, null, null, null, floodList, null);
    }
}
