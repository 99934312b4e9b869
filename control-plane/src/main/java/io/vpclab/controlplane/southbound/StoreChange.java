package io.vpclab.controlplane.southbound;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a committed change touched, as far as forwarding goes: VPCs to reload, hosts whose
 * underlay address may have changed, and whether peerings changed. Changes merge, keeping the
 * earliest commit time so convergence is measured from the first of them.
 */
record StoreChange(Set<String> vpcIds, Set<String> hostIds, boolean peerings, long commitNanos) {

    StoreChange {
        vpcIds = Set.copyOf(vpcIds);
        hostIds = Set.copyOf(hostIds);
    }

    static StoreChange vpc(String vpcId) {
        return new StoreChange(Set.of(vpcId), Set.of(), false, System.nanoTime());
    }

    static StoreChange host(String hostId) {
        return new StoreChange(Set.of(), Set.of(hostId), false, System.nanoTime());
    }

    static StoreChange peering(String requesterVpcId, String accepterVpcId) {
        return new StoreChange(Set.of(requesterVpcId, accepterVpcId), Set.of(), true, System.nanoTime());
    }

    StoreChange merge(StoreChange other) {
        Set<String> vpcs = new LinkedHashSet<>(vpcIds);
        vpcs.addAll(other.vpcIds);
        Set<String> hosts = new LinkedHashSet<>(hostIds);
        hosts.addAll(other.hostIds);
        return new StoreChange(vpcs, hosts, peerings || other.peerings, Math.min(commitNanos, other.commitNanos));
    }
}
