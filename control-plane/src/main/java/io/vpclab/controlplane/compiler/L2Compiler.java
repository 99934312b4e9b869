package io.vpclab.controlplane.compiler;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.MacEntry;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortFlowLog;
import io.vpclab.client.model.PortKind;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.Vtep;
import java.util.Set;
import java.util.TreeSet;

/** Segments with their flood lists, local ports, remote MAC entries and the VTEPs they name. */
final class L2Compiler {

    private L2Compiler() {}

    static void compile(HostScope scope, ForwardingTable table) {
        Set<String> remoteHosts = new TreeSet<>();
        for (HostScope.VisibleSegment visible : scope.segments()) {
            SubnetNode subnet = visible.subnet();
            Set<String> floodList = new TreeSet<>();
            for (InstanceNode instance : visible.instances()) {
                if (scope.isLocal(instance)) {
                    table.addPortsItem(port(instance, subnet).flowLog(flowLog(visible.vpc(), instance)));
                } else {
                    floodList.add(instance.hostId());
                    table.addMacsItem(
                            new MacEntry().vni(subnet.vni()).mac(instance.mac()).vtep(instance.hostId()));
                }
            }
            remoteHosts.addAll(floodList);
            // a peer's segment is only a routing destination here: its router and gateway run where its ports are
            boolean routedHere = scope.localVpcs().contains(visible.vpc().id());
            table.addSegmentsItem(new Segment()
                    .vni(subnet.vni())
                    .vlanId(subnet.vlanId())
                    .subnetId(subnet.id())
                    .cidrBlock(subnet.cidrBlock())
                    .gatewayIp(routedHere ? subnet.gatewayIp() : null)
                    .routerId(routedHere ? visible.vpc().id() : null)
                    .floodList(floodList.stream().toList())
                    // only an exception is written: tables of VPCs that keep the default stay as they were
                    .arpSuppression(visible.vpc().arpSuppression() ? null : false));
        }
        for (String hostId : remoteHosts) {
            HostNode remote = scope.snapshot().hosts().get(hostId);
            if (remote != null) {
                table.addVtepsItem(
                        new Vtep().id(remote.id()).ip(remote.underlayIp()).port(remote.udpPort()));
            }
        }
    }

    /** What the port's host needs to log its flows: the account (tenant) and the interval; null when none covers it. */
    private static PortFlowLog flowLog(VpcNode vpc, InstanceNode instance) {
        Integer interval = vpc.flowLogIntervalOf(instance);
        return interval == null
                ? null
                : new PortFlowLog().accountId(vpc.tenantId()).intervalSeconds(interval);
    }

    private static Port port(InstanceNode instance, SubnetNode subnet) {
        int prefixLength =
                Integer.parseInt(subnet.cidrBlock().substring(subnet.cidrBlock().indexOf('/') + 1));
        return new Port()
                .id(instance.id())
                .kind(PortKind.fromValue(instance.kind()))
                .vni(subnet.vni())
                .mac(instance.mac())
                .name(instance.name())
                .ipAddress(instance.privateIp())
                .prefixLength(prefixLength)
                .gatewayIp(subnet.gatewayIp())
                .device(instance.deviceName())
                .namespace(instance.namespace());
    }
}
