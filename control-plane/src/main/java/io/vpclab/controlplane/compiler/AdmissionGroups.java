package io.vpclab.controlplane.compiler;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.TableSecurityGroup;
import io.vpclab.client.model.TableSecurityGroupRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Admissions that predate security groups, written into the table as groups of their own so the
 * data plane enforces one model, for ports whose only group is their VPC's default group (what
 * every instance had before groups existed, and what an instance gets when nobody chose its
 * groups). Such a port admits what its elastic IP's ingress policy admits (ALLOW_ALL: everything;
 * WHITELIST: the whitelist's rules, which the EIP stage also checks first), its VPC's active
 * peers' subnets, and its VPN connections' on-premises CIDRs, as the elastic IP, peering and the
 * VPN did before. AWS would need rules for all three, which a user now writes in groups of their
 * own: a port with any other group gets no admission, its groups alone decide.
 */
final class AdmissionGroups {

    static final String ELASTIC_IP_PREFIX = "eip-ingress:";
    static final String PEERING_PREFIX = "peering-ingress:";
    static final String VPN_PREFIX = "vpn-ingress:";

    private static final int MAX_PORT = 65535;

    private AdmissionGroups() {}

    private static Integer orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    /** Adds the admission groups of the table's instance ports ({@code groups}: every group the scope sees, by id). */
    static void compile(HostScope scope, ForwardingTable table, Map<String, SecurityGroupNode> groups) {
        NetworkSnapshot snapshot = scope.snapshot();
        for (Port port : table.getPorts()) {
            List<String> ofPort = port.getSecurityGroupIds();
            if (port.getNatGateway() != null || ofPort == null || ofPort.isEmpty()) {
                continue;
            }
            SecurityGroupNode only = ofPort.size() == 1 ? groups.get(ofPort.get(0)) : null;
            if (only != null && only.isDefault()) {
                ElasticIpNode eip = snapshot.elasticIpOf(port.getId());
                if (eip != null && !"DENY_ALL".equals(eip.ingressPolicy())) {
                    add(table, port, ELASTIC_IP_PREFIX + eip.publicIp(), elasticIpRules(eip));
                }
                String vpcId = vpcOf(scope, port.getId());
                List<TableSecurityGroupRule> rules = new ArrayList<>();
                for (String peer : snapshot.peersOf(vpcId)) {
                    VpcNode peerVpc = snapshot.vpcs().get(peer);
                    if (peerVpc != null) {
                        peerVpc.subnets()
                                .forEach(subnet -> rules.add(new TableSecurityGroupRule()
                                        .id(PEERING_PREFIX + subnet.id())
                                        .protocol(TableSecurityGroupRule.ProtocolEnum.ALL)
                                        .cidrBlock(subnet.cidrBlock())));
                    }
                }
                if (!rules.isEmpty()) {
                    add(table, port, PEERING_PREFIX + vpcId, rules);
                }
                List<TableSecurityGroupRule> onPremises =
                        vpnRules(snapshot.vpcs().get(vpcId));
                if (!onPremises.isEmpty()) {
                    add(table, port, VPN_PREFIX + vpcId, onPremises);
                }
            }
        }
    }

    /** The on-premises CIDRs of the VPC's VPN connections, admitted as the VPN admitted them before groups existed. */
    private static List<TableSecurityGroupRule> vpnRules(VpcNode vpc) {
        List<TableSecurityGroupRule> rules = new ArrayList<>();
        if (vpc == null) {
            return rules;
        }
        for (VpnGatewayNode gateway : vpc.vpnGateways()) {
            for (VpnGatewayNode.Peer peer : gateway.peers()) {
                for (String cidr : peer.onPremisesCidrs()) {
                    rules.add(new TableSecurityGroupRule()
                            .id(VPN_PREFIX + peer.connectionId() + "/" + cidr)
                            .protocol(TableSecurityGroupRule.ProtocolEnum.ALL)
                            .cidrBlock(cidr));
                }
            }
        }
        return rules;
    }

    private static List<TableSecurityGroupRule> elasticIpRules(ElasticIpNode eip) {
        if ("ALLOW_ALL".equals(eip.ingressPolicy())) {
            return List.of(new TableSecurityGroupRule()
                    .id(ELASTIC_IP_PREFIX + eip.publicIp())
                    .protocol(TableSecurityGroupRule.ProtocolEnum.ALL)
                    .cidrBlock("0.0.0.0/0"));
        }
        return eip.whitelist().rules().stream()
                .map(rule -> {
                    String protocol = rule.protocol().toUpperCase(Locale.ROOT);
                    boolean ports = protocol.equals("TCP") || protocol.equals("UDP");
                    return new TableSecurityGroupRule()
                            .id(rule.id())
                            .protocol(TableSecurityGroupRule.ProtocolEnum.fromValue(protocol))
                            .fromPort(ports ? orDefault(rule.fromPort(), 0) : null)
                            .toPort(ports ? orDefault(rule.toPort(), MAX_PORT) : null)
                            .cidrBlock(rule.cidrBlock());
                })
                .toList();
    }

    /** Adds the group once (ports of one VPC share their peering group) and names it on the port. */
    private static void add(ForwardingTable table, Port port, String groupId, List<TableSecurityGroupRule> ingress) {
        boolean present = table.getSecurityGroups() != null
                && table.getSecurityGroups().stream().anyMatch(g -> g.getId().equals(groupId));
        if (!present) {
            table.addSecurityGroupsItem(new TableSecurityGroup()
                    .id(groupId)
                    .ingress(new ArrayList<>(ingress))
                    .egress(new ArrayList<>()));
        }
        List<String> ofPort = new ArrayList<>(port.getSecurityGroupIds());
        ofPort.add(groupId);
        port.securityGroupIds(ofPort);
    }

    private static String vpcOf(HostScope scope, String instanceId) {
        for (HostScope.VisibleSegment visible : scope.segments()) {
            for (InstanceNode instance : visible.instances()) {
                if (instance.id().equals(instanceId)) {
                    return visible.vpc().id();
                }
            }
        }
        throw new IllegalStateException("instance " + instanceId + " is in no VPC of the host's scope");
    }
}
