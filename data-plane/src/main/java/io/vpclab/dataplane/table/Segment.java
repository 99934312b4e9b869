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
 * @param learningPeer the one VTEP of the flood list learns MACs itself (a Linux vxlan device, the
 *                  point-to-point mode): unknown unicast and ARP the table cannot answer go to it,
 *                  and any MAC may sit behind it and behind the segment's one local port
 */
public record Segment(
        Vni vni,
        Ipv4Prefix cidrBlock,
        Ipv4Address gatewayIp,
        String routerId,
        List<String> floodList,
        Integer vlanId,
        boolean learningPeer,
        boolean arpSuppression) {

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
        if (learningPeer && floodList.size() != 1) {
            throw new IllegalArgumentException(
                    "segment " + vni + ": a learning peer is the one VTEP of the flood list, got " + floodList);
        }
    }

    /** A segment with ARP suppression on. */
    public Segment(
            Vni vni,
            Ipv4Prefix cidrBlock,
            Ipv4Address gatewayIp,
            String routerId,
            List<String> floodList,
            Integer vlanId,
            boolean learningPeer) {
        this(vni, cidrBlock, gatewayIp, routerId, floodList, vlanId, learningPeer, true);
    }

    /** A segment whose unknown unicast is dropped: the table knows every MAC. */
    public Segment(
            Vni vni,
            Ipv4Prefix cidrBlock,
            Ipv4Address gatewayIp,
            String routerId,
            List<String> floodList,
            Integer vlanId) {
        this(vni, cidrBlock, gatewayIp, routerId, floodList, vlanId, false, true);
    }

    /** A pure L2 segment: no subnet, no router. */
    public static Segment l2(Vni vni, List<String> floodList) {
        return new Segment(vni, null, null, null, floodList, null);
    }

    /** A pure L2 segment whose one remote VTEP learns MACs itself, as the point-to-point mode's. */
    public static Segment toLearningPeer(Vni vni, String vtepId) {
        return new Segment(vni, null, null, null, List.of(vtepId), null, true, true);
    }
}
