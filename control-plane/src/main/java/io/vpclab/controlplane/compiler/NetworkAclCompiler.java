package io.vpclab.controlplane.compiler;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.TableNetworkAcl;
import io.vpclab.client.model.TableNetworkAclEntry;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The network ACLs a host enforces: the ACL of each subnet the host has an instance port in
 * (named by the segment's {@code networkAclId}), with its entries in rule-number order. ACLs are
 * checked at the instance's own host, so segments without a local port (peers, remote subnets)
 * carry none. Entries per host = entries of the ACLs of its local subnets.
 */
final class NetworkAclCompiler {

    private NetworkAclCompiler() {}

    static void compile(HostScope scope, ForwardingTable table) {
        Map<String, NetworkAclNode> aclOfSubnet = new HashMap<>();
        for (HostScope.VisibleSegment visible : scope.segments()) {
            for (NetworkAclNode acl : visible.vpc().networkAcls()) {
                acl.subnetIds().forEach(subnetId -> aclOfSubnet.put(subnetId, acl));
            }
        }
        Set<Integer> localVnis = new HashSet<>();
        for (Port port : table.getPorts()) {
            if (port.getNatGateway() == null) {
                localVnis.add(port.getVni());
            }
        }
        Map<String, NetworkAclNode> used = new TreeMap<>();
        for (Segment segment : table.getSegments()) {
            NetworkAclNode acl = segment.getSubnetId() == null ? null : aclOfSubnet.get(segment.getSubnetId());
            if (acl != null && localVnis.contains(segment.getVni())) {
                segment.networkAclId(acl.id());
                used.put(acl.id(), acl);
            }
        }
        used.values().forEach(acl -> table.addNetworkAclsItem(table(acl)));
    }

    private static TableNetworkAcl table(NetworkAclNode acl) {
        TableNetworkAcl compiled = new TableNetworkAcl().id(acl.id());
        acl.entries().stream()
                .sorted(Comparator.comparing(NetworkAclNode.Entry::egress)
                        .thenComparingInt(NetworkAclNode.Entry::ruleNumber))
                .map(entry -> new TableNetworkAclEntry()
                        .ruleNumber(entry.ruleNumber())
                        .egress(entry.egress())
                        .action(
                                entry.allow()
                                        ? TableNetworkAclEntry.ActionEnum.ALLOW
                                        : TableNetworkAclEntry.ActionEnum.DENY)
                        .protocol(TableNetworkAclEntry.ProtocolEnum.fromValue(entry.protocol()))
                        .fromPort(entry.fromPort())
                        .toPort(entry.toPort())
                        .cidrBlock(entry.cidrBlock()))
                .forEach(compiled::addEntriesItem);
        return compiled;
    }
}
