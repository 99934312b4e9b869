package io.vpclab.controlplane.compiler;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.IpBinding;

/**
 * IP -> MAC bindings of every visible segment: the agent answers ARP from these and resolves
 * routed next hops, so unknown addresses are dropped instead of flooded.
 */
final class ArpCompiler {

    private ArpCompiler() {}

    static void compile(HostScope scope, ForwardingTable table) {
        for (HostScope.VisibleSegment visible : scope.segments()) {
            for (InstanceNode instance : visible.instances()) {
                table.addBindingsItem(new IpBinding()
                        .vni(visible.subnet().vni())
                        .ipAddress(instance.privateIp())
                        .mac(instance.mac()));
            }
        }
    }
}
