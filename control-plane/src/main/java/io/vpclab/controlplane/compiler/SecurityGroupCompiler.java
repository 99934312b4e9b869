package io.vpclab.controlplane.compiler;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.GroupMember;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.TableSecurityGroup;
import io.vpclab.client.model.TableSecurityGroupRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The security groups a host enforces: each local port's groups (with their rules), the groups
 * those rules name as peers (without rules), and one member entry per (peer group, address). A
 * new member of a group is then one {@code groupMembers} entry on each host whose rules name the
 * group, however many rules name it (the OVN address-set lesson). Groups come from the VPCs the
 * host sees (its own and their active peers); a rule naming a group outside them matches nothing
 * and is left out.
 */
final class SecurityGroupCompiler {

    private SecurityGroupCompiler() {}

    static void compile(HostScope scope, ForwardingTable table) {
        Map<String, SecurityGroupNode> groups = new HashMap<>();
        Map<String, String> addressOf = new HashMap<>();
        Map<String, Set<String>> groupsOfInstance = new HashMap<>();
        Set<String> seenVpcs = new TreeSet<>();
        for (HostScope.VisibleSegment visible : scope.segments()) {
            VpcNode vpc = visible.vpc();
            if (!seenVpcs.add(vpc.id())) {
                continue;
            }
            vpc.instances().forEach(instance -> addressOf.put(instance.id(), instance.privateIp()));
            for (SecurityGroupNode group : vpc.securityGroups()) {
                groups.put(group.id(), group);
                group.memberInstanceIds()
                        .forEach(member -> groupsOfInstance
                                .computeIfAbsent(member, m -> new TreeSet<>())
                                .add(group.id()));
            }
        }
        Set<String> local = new TreeSet<>();
        for (Port port : table.getPorts()) {
            Set<String> ofPort = groupsOfInstance.get(port.getId());
            if (ofPort != null) {
                port.securityGroupIds(new ArrayList<>(ofPort));
                local.addAll(ofPort);
            }
        }
        Set<String> peers = new TreeSet<>();
        for (String groupId : local) {
            SecurityGroupNode group = groups.get(groupId);
            for (List<SecurityGroupNode.Rule> rules : List.of(group.ingress(), group.egress())) {
                rules.stream()
                        .map(SecurityGroupNode.Rule::groupId)
                        .filter(groups::containsKey)
                        .forEach(peers::add);
            }
        }
        Set<String> present = new TreeSet<>(local);
        present.addAll(peers);
        for (String groupId : present) {
            SecurityGroupNode group = groups.get(groupId);
            boolean enforcedHere = local.contains(groupId);
            table.addSecurityGroupsItem(new TableSecurityGroup()
                    .id(groupId)
                    .ingress(enforcedHere ? rules(group.ingress(), groups) : new ArrayList<>())
                    .egress(enforcedHere ? rules(group.egress(), groups) : new ArrayList<>()));
        }
        for (String groupId : peers) {
            Map<String, GroupMember> members = new TreeMap<>();
            for (String instanceId : groups.get(groupId).memberInstanceIds()) {
                String address = addressOf.get(instanceId);
                if (address != null) {
                    members.put(address, new GroupMember().groupId(groupId).ipAddress(address));
                }
            }
            members.values().forEach(table::addGroupMembersItem);
        }
        AdmissionGroups.compile(scope, table, groups);
    }

    private static List<TableSecurityGroupRule> rules(
            List<SecurityGroupNode.Rule> rules, Map<String, SecurityGroupNode> groups) {
        List<TableSecurityGroupRule> compiled = new ArrayList<>();
        for (SecurityGroupNode.Rule rule : rules) {
            if (rule.groupId() != null && !groups.containsKey(rule.groupId())) {
                continue; // a stale reference (its peering is gone) matches nothing
            }
            compiled.add(new TableSecurityGroupRule()
                    .id(rule.id())
                    .protocol(TableSecurityGroupRule.ProtocolEnum.fromValue(rule.protocol()))
                    .fromPort(rule.fromPort())
                    .toPort(rule.toPort())
                    .cidrBlock(rule.cidrBlock())
                    .groupId(rule.groupId()));
        }
        return compiled;
    }
}
