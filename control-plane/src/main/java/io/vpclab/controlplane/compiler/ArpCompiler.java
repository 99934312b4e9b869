package io.vpclab.controlplane.compiler;

import io.vpclab.api.model.ForwardingTable;
import io.vpclab.api.model.IpBinding;

/**
 * IP -> MAC bindings of every visible segment: the agent answers ARP from these and resolves
 * routed next hops, so unknown addresses are dropped instead of flooded.
 */
final class ArpCompiler {

    private ArpCompiler() {
    }

    static void compile(HostScope scope, ForwardingTable table) {
        for (HostScope.VisibleSegment visible : scope.segments()) {
            for (InstanceNode instance : visible.instances()) {
                table.addBindingsItem(new IpBinding(visible.subnet().vni(), instance.privateIp(), instance.mac()));
            }
        }
    }
}
