package io.vpclab.controlplane.compiler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds snapshots for compiler tests in a few readable lines. */
final class Networks {

    private final Map<String, HostNode> hosts = new HashMap<>();
    private final Map<String, List<SubnetNode>> subnets = new HashMap<>();
    private final Map<String, List<InstanceNode>> instances = new HashMap<>();
    private final Map<String, String> tenants = new HashMap<>();
    private final Map<String, Set<String>> peers = new HashMap<>();
    private final Map<String, List<SecurityGroupNode>> securityGroups = new HashMap<>();
    private final Map<String, List<NetworkAclNode>> networkAcls = new HashMap<>();
    private final Map<String, List<VpnGatewayNode>> vpnGateways = new HashMap<>();
    private final java.util.Set<String> arpSuppressionOff = new java.util.HashSet<>();
    private final Map<String, List<ElasticIpNode>> elasticIps = new HashMap<>();
    private int nextVni = 100;
    private int nextMac = 1;

    Networks host(String id, String ip) {
        hosts.put(id, new HostNode(id, id, ip, 4789, 1500));
        return this;
    }

    Networks vpc(String id, String tenant) {
        tenants.put(id, tenant);
        subnets.put(id, new ArrayList<>());
        instances.put(id, new ArrayList<>());
        return this;
    }

    /** A subnet whose gateway is the first usable address (cidr must end in .0/len). */
    Networks subnet(String vpc, String id, String cidr) {
        String network = cidr.substring(0, cidr.indexOf('/'));
        String gateway = network.substring(0, network.lastIndexOf('.') + 1)
                + (Integer.parseInt(network.substring(network.lastIndexOf('.') + 1)) + 1);
        subnets.get(vpc).add(new SubnetNode(id, vpc, cidr, gateway, nextVni++, null));
        return this;
    }

    /** Gives a subnet added before the routes of its route table that the data plane needs. */
    Networks tableRoutes(String vpc, String subnet, SubnetNode.TableRoute... routes) {
        List<SubnetNode> ofVpc = subnets.get(vpc);
        for (int i = 0; i < ofVpc.size(); i++) {
            SubnetNode s = ofVpc.get(i);
            if (s.id().equals(subnet)) {
                ofVpc.set(
                        i,
                        new SubnetNode(
                                s.id(), s.vpcId(), s.cidrBlock(), s.gatewayIp(), s.vni(), s.vlanId(), List.of(routes)));
            }
        }
        return this;
    }

    Networks instance(String vpc, String subnet, String id, String host, String ip) {
        int serial = nextMac++;
        String mac = String.format("02:00:00:%02x:%02x:%02x", serial >> 16 & 0xff, serial >> 8 & 0xff, serial & 0xff);
        instances.get(vpc).add(new InstanceNode(id, id, subnet, host, "simulated", ip, mac));
        return this;
    }

    Networks instance(String vpc, String subnet, String id, String host, String ip, String mac) {
        instances.get(vpc).add(new InstanceNode(id, id, subnet, host, "simulated", ip, mac));
        return this;
    }

    Networks peering(String a, String b) {
        peers.computeIfAbsent(a, k -> new java.util.HashSet<>()).add(b);
        peers.computeIfAbsent(b, k -> new java.util.HashSet<>()).add(a);
        return this;
    }

    Networks securityGroup(String vpc, SecurityGroupNode group) {
        securityGroups.computeIfAbsent(vpc, k -> new ArrayList<>()).add(group);
        return this;
    }

    Networks networkAcl(String vpc, NetworkAclNode acl) {
        networkAcls.computeIfAbsent(vpc, k -> new ArrayList<>()).add(acl);
        return this;
    }

    /** The VPC's agents flood broadcast ARP instead of answering it. */
    Networks arpSuppressionOff(String vpc) {
        arpSuppressionOff.add(vpc);
        return this;
    }

    Networks elasticIp(String vpc, ElasticIpNode eip) {
        elasticIps.computeIfAbsent(vpc, k -> new ArrayList<>()).add(eip);
        return this;
    }

    Networks vpnGateway(String vpc, VpnGatewayNode gateway) {
        vpnGateways.computeIfAbsent(vpc, k -> new ArrayList<>()).add(gateway);
        return this;
    }

    NetworkSnapshot build() {
        Map<String, VpcNode> vpcs = new HashMap<>();
        tenants.forEach((id, tenant) -> vpcs.put(
                id,
                new VpcNode(
                        id,
                        tenant,
                        subnets.get(id),
                        instances.get(id),
                        elasticIps.getOrDefault(id, List.of()),
                        List.of(),
                        securityGroups.getOrDefault(id, List.of()),
                        networkAcls.getOrDefault(id, List.of()),
                        vpnGateways.getOrDefault(id, List.of()),
                        !arpSuppressionOff.contains(id))));
        return new NetworkSnapshot(hosts, vpcs, peers);
    }
}
