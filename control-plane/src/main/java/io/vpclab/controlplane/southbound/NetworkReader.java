package io.vpclab.controlplane.southbound;

import io.vpclab.controlplane.compiler.HostNode;
import io.vpclab.controlplane.compiler.PublicNetwork;
import io.vpclab.controlplane.compiler.VpcNode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the committed store in the compiler's terms, one VPC at a time, so a change reloads
 * only what it touched.
 */
interface NetworkReader {

    Map<String, HostNode> hosts();

    Optional<HostNode> host(String hostId);

    Set<String> vpcIds();

    /** The VPC with its subnets and instances, or empty when it no longer exists. */
    Optional<VpcNode> vpc(String vpcId);

    /** For each VPC, the VPCs it has an active peering with (symmetric). */
    Map<String, Set<String>> activePeers();

    /** The provider network with the internet hosts whose VTEP host is among {@code hosts}. */
    default PublicNetwork publicNetwork(Map<String, HostNode> hosts) {
        return PublicNetwork.DEFAULT;
    }
}
