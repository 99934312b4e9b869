package io.vpclab.controlplane.compiler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one host's table is compiled from: the host, the VPCs it has ports in, and every
 * segment it can see (those VPCs' subnets and their active peers' subnets) with their
 * instances grouped once.
 */
record HostScope(HostNode host, Set<String> localVpcs, List<VisibleSegment> segments, NetworkSnapshot snapshot) {

    /** A subnet visible from the host, with its instances. */
    record VisibleSegment(VpcNode vpc, SubnetNode subnet, List<InstanceNode> instances) {}

    static HostScope of(NetworkSnapshot snapshot, String hostId) {
        HostNode host = snapshot.host(hostId);
        List<VisibleSegment> segments = new ArrayList<>();
        for (String vpcId : snapshot.vpcsVisibleFrom(hostId)) {
            VpcNode vpc = snapshot.vpcs().get(vpcId);
            Map<String, List<InstanceNode>> bySubnet = new LinkedHashMap<>();
            vpc.subnets().forEach(subnet -> bySubnet.put(subnet.id(), new ArrayList<>()));
            for (InstanceNode instance : vpc.ports()) {
                List<InstanceNode> members = bySubnet.get(instance.subnetId());
                if (members != null) {
                    members.add(instance);
                }
            }
            for (SubnetNode subnet : vpc.subnets()) {
                segments.add(new VisibleSegment(vpc, subnet, bySubnet.get(subnet.id())));
            }
        }
        return new HostScope(host, snapshot.vpcsOn(hostId), segments, snapshot);
    }

    boolean isLocal(InstanceNode instance) {
        return instance.hostId().equals(host.id());
    }
}
