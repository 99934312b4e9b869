package io.vpclab.controlplane.compiler;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.IpBinding;
import io.vpclab.client.model.MacEntry;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortNatGateway;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.SegmentDefaultRoute;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * NAT gateways, after L2, ARP, routes and the provider segment are compiled:
 * <ul>
 * <li>every routed segment of an associated subnet gets a default route to its gateway's private
 *     address (the gateway's port and binding come with the VPC's ports, like an instance's);</li>
 * <li>the gateway's own host gets the port's {@code natGateway} block (public address, port
 *     range, timeouts, egress policy, the CIDRs of the subnets it serves as allowed sources: the
 *     associated ones and those an appliance of theirs forwards, see {@link #servedSubnets});</li>
 * <li>every provider-segment host binds the gateway's public address to its port's MAC behind
 *     the gateway's host, as it does for an instance's elastic IP.</li>
 * </ul>
 * Under WHITELIST the gateway's host also gets the egress whitelist (shared with an elastic IP
 * of the host if both use it); without one, WHITELIST lets no new flow out.
 */
final class NatGatewayCompiler {

    private NatGatewayCompiler() {}

    static void compile(HostScope scope, ForwardingTable table) {
        NetworkSnapshot snapshot = scope.snapshot();
        String self = scope.host().id();
        Map<String, Segment> segmentsBySubnet = new HashMap<>();
        for (Segment segment : list(table.getSegments())) {
            if (segment.getSubnetId() != null) {
                segmentsBySubnet.put(segment.getSubnetId(), segment);
            }
        }
        for (String vpcId : scope.localVpcs()) {
            VpcNode vpc = snapshot.vpcs().get(vpcId);
            for (NatGatewayNode nat : vpc.natGateways()) {
                Segment own = segmentsBySubnet.get(nat.subnetId());
                for (String subnetId : nat.associatedSubnetIds()) {
                    Segment associated = segmentsBySubnet.get(subnetId);
                    if (own != null && associated != null && associated.getRouterId() != null) {
                        associated.defaultRoute(
                                new SegmentDefaultRoute().vni(own.getVni()).nextHop(nat.privateIp()));
                    }
                }
                if (nat.hostId().equals(self)) {
                    attach(table, vpc, nat);
                }
            }
        }
        if (!snapshot.publicHosts().contains(self)) {
            return;
        }
        int publicVni = snapshot.publicNetwork().vni();
        for (VpcNode vpc : new TreeMap<>(snapshot.vpcs()).values()) {
            for (NatGatewayNode nat : vpc.natGateways()) {
                if (!nat.hostId().equals(self)) {
                    table.addMacsItem(
                            new MacEntry().vni(publicVni).mac(nat.mac()).vtep(nat.hostId()));
                }
                table.addBindingsItem(
                        new IpBinding().vni(publicVni).ipAddress(nat.publicIp()).mac(nat.mac()));
            }
        }
    }

    private static void attach(ForwardingTable table, VpcNode vpc, NatGatewayNode nat) {
        Map<String, String> cidrs = new HashMap<>();
        vpc.subnets().forEach(subnet -> cidrs.put(subnet.id(), subnet.cidrBlock()));
        List<String> sources = servedSubnets(vpc, nat).stream()
                .map(cidrs::get)
                .filter(c -> c != null)
                .sorted()
                .toList();
        PortNatGateway block = new PortNatGateway()
                .id(nat.id())
                .publicIp(nat.publicIp())
                .portMin(nat.portMin())
                .portMax(nat.portMax())
                .tcpIdleSeconds(nat.tcpIdleSeconds())
                .udpIdleSeconds(nat.udpIdleSeconds())
                .egressPolicy(PortNatGateway.EgressPolicyEnum.fromValue(nat.egressPolicy()))
                .sources(sources);
        if ("WHITELIST".equals(nat.egressPolicy()) && nat.whitelist() != null) {
            nat.whitelist().addTo(table);
            block.whitelistId(nat.whitelist().id());
        }
        for (Port port : list(table.getPorts())) {
            if (port.getId().equals(nat.id())) {
                port.natGateway(block);
            }
        }
    }

    /**
     * The associated subnets, and each subnet whose route table sends packets to an appliance
     * instance of an associated subnet: the appliance forwards them with their own sources, and
     * the gateway translates what its subnets' routes bring it (as AWS's translates what reaches it).
     */
    static Set<String> servedSubnets(VpcNode vpc, NatGatewayNode nat) {
        Set<String> served = new TreeSet<>(nat.associatedSubnetIds());
        Map<String, String> subnetOfInstance = new HashMap<>();
        vpc.instances().forEach(instance -> subnetOfInstance.put(instance.id(), instance.subnetId()));
        for (SubnetNode subnet : vpc.subnets()) {
            for (SubnetNode.TableRoute route : subnet.tableRoutes()) {
                String applianceSubnet = route.instanceId() == null ? null : subnetOfInstance.get(route.instanceId());
                if (applianceSubnet != null && nat.associatedSubnetIds().contains(applianceSubnet)) {
                    served.add(subnet.id());
                }
            }
        }
        return served;
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
