package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.peering.PeeringService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.net.Ipv4Prefix;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * On-premises blocks may not overlap anything their VPC already routes: its own blocks, the blocks
 * of its other VPN connections and of its active peers (the VPC would not know where to send a
 * packet). Checked when a connection is created, when it gains a static route and when its
 * gateway is attached to a VPC.
 */
@Component
class OnPremisesOverlap {

    private final VpcService vpcs;
    private final PeeringService peerings;

    OnPremisesOverlap(VpcService vpcs, PeeringService peerings) {
        this.vpcs = vpcs;
        this.peerings = peerings;
    }

    /**
     * Refuses {@code blocks} overlapping the blocks of {@code others} or, when {@code vpcId} is not
     * null (the gateway is attached), the VPC's and its active peers' blocks.
     */
    void refuse(String vpcId, List<Ipv4Prefix> blocks, List<VpnConnection> others) {
        for (Ipv4Prefix block : blocks) {
            for (VpnConnection existing : others) {
                for (Ipv4Prefix routed : existing.onPremisesCidrs()) {
                    refuseOverlap(block, routed, "on-premises block " + routed + " of VPN connection " + existing.id());
                }
            }
            if (vpcId == null) {
                continue;
            }
            for (Ipv4Prefix own : vpcs.get(Caller.admin(), vpcId).cidrs()) {
                refuseOverlap(block, own, "CIDR block " + own + " of VPC " + vpcId);
            }
            for (PeeringService.VpcPair pair : peerings.activePairs()) {
                String peer = pair.requesterVpcId().equals(vpcId)
                        ? pair.accepterVpcId()
                        : pair.accepterVpcId().equals(vpcId) ? pair.requesterVpcId() : null;
                if (peer == null) {
                    continue;
                }
                for (Ipv4Prefix peerBlock : vpcs.get(Caller.admin(), peer).cidrs()) {
                    refuseOverlap(block, peerBlock, "CIDR block " + peerBlock + " of peered VPC " + peer);
                }
            }
        }
    }

    private static void refuseOverlap(Ipv4Prefix block, Ipv4Prefix routed, String what) {
        if (block.overlaps(routed)) {
            throw ApiException.conflict(
                    "InvalidVpnConnection.Overlap",
                    "on-premises block " + block + " overlaps " + what + "; the VPC would not know where to route it");
        }
    }
}
