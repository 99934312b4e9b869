package io.vpclab.agent.table;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.GroupMember;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.TableSecurityGroup;
import io.vpclab.client.model.TableSecurityGroupRule;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of {@link TableValidator} about security groups: unique group ids; per rule a unique
 * id, a protocol, exactly one peer (a CIDR without host bits, or a group of this table) and the
 * ports its protocol takes (TCP/UDP a range within 0..65535, ICMP a type and code within -1..255,
 * ALL none); members name a group of this table and an address, each pair once; a port names
 * groups of this table, each once.
 */
final class SecurityGroupTableRules {

    private static final int MAX_PORT = 65535;
    private static final int MAX_ICMP_VALUE = 255;
    private static final int ANY = -1;

    private final TableValidator validator;
    private final ForwardingTable table;

    SecurityGroupTableRules(TableValidator validator, ForwardingTable table) {
        this.validator = validator;
        this.table = table;
    }

    void check() {
        Set<String> groupIds = groups(nonNull(table.getSecurityGroups()));
        members(nonNull(table.getGroupMembers()), groupIds);
        List<Port> ports = nonNull(table.getPorts());
        for (int i = 0; i < ports.size(); i++) {
            Port port = ports.get(i);
            if (port == null) {
                continue;
            }
            Set<String> seen = new HashSet<>();
            List<String> ofPort = nonNull(port.getSecurityGroupIds());
            for (int g = 0; g < ofPort.size(); g++) {
                String at = "/ports/" + i + "/securityGroupIds/" + g;
                String id = ofPort.get(g);
                if (!groupIds.contains(id)) {
                    validator.issue(at, "unknown security group '" + id + "' (not in securityGroups)");
                } else if (!seen.add(id)) {
                    validator.issue(at, "names security group '" + id + "' twice");
                }
            }
        }
    }

    private Set<String> groups(List<TableSecurityGroup> groups) {
        Set<String> ids = new HashSet<>();
        for (TableSecurityGroup group : groups) {
            if (group != null && group.getId() != null) {
                ids.add(group.getId());
            }
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < groups.size(); i++) {
            String at = "/securityGroups/" + i;
            TableSecurityGroup group = groups.get(i);
            if (group == null) {
                validator.issue(at, "must be an object");
                continue;
            }
            if (validator.requiredText(at + "/id", group.getId()) && !seen.add(group.getId())) {
                validator.issue(at + "/id", "duplicate security group id '" + group.getId() + "'");
            }
            Set<String> ruleIds = new HashSet<>();
            List<TableSecurityGroupRule> ingress = nonNull(group.getIngress());
            for (int r = 0; r < ingress.size(); r++) {
                rule(at + "/ingress/" + r, ingress.get(r), ruleIds, ids);
            }
            List<TableSecurityGroupRule> egress = nonNull(group.getEgress());
            for (int r = 0; r < egress.size(); r++) {
                rule(at + "/egress/" + r, egress.get(r), ruleIds, ids);
            }
        }
        return ids;
    }

    private void rule(String at, TableSecurityGroupRule rule, Set<String> ruleIds, Set<String> groupIds) {
        if (rule == null) {
            validator.issue(at, "must be an object");
            return;
        }
        if (validator.requiredText(at + "/id", rule.getId()) && !ruleIds.add(rule.getId())) {
            validator.issue(at + "/id", "duplicate rule id '" + rule.getId() + "' in this security group");
        }
        if ((rule.getCidrBlock() == null) == (rule.getGroupId() == null)) {
            validator.issue(at, "needs exactly one peer: cidrBlock or groupId");
        } else if (rule.getCidrBlock() != null) {
            validator.prefix(at + "/cidrBlock", rule.getCidrBlock());
        } else if (!groupIds.contains(rule.getGroupId())) {
            validator.issue(
                    at + "/groupId", "unknown security group '" + rule.getGroupId() + "' (not in securityGroups)");
        }
        if (rule.getProtocol() == null) {
            validator.issue(at + "/protocol", "is required (TCP, UDP, ICMP or ALL)");
            return;
        }
        ports(validator, at, rule.getProtocol().getValue(), rule.getFromPort(), rule.getToPort());
    }

    /**
     * The ports {@code protocol} (TCP, UDP, ICMP, ALL) takes: TCP/UDP a range within 0..65535,
     * ICMP a type and code within -1..255, ALL none. Network ACL entries take the same.
     */
    static void ports(TableValidator validator, String at, String protocol, Integer from, Integer to) {
        switch (protocol) {
            case "TCP", "UDP" -> {
                if (from == null || to == null) {
                    validator.issue(at, protocol + " rules need fromPort and toPort");
                    return;
                }
                validator.range(at + "/fromPort", from, 0, MAX_PORT);
                validator.range(at + "/toPort", to, 0, MAX_PORT);
                if (from > to) {
                    validator.issue(at, "port range " + from + "-" + to + " is inverted (fromPort <= toPort)");
                }
            }
            case "ICMP" -> {
                validator.range(at + "/fromPort", from, ANY, MAX_ICMP_VALUE);
                validator.range(at + "/toPort", to, ANY, MAX_ICMP_VALUE);
                if ((from == null || from == ANY) && to != null && to != ANY) {
                    validator.issue(at + "/toPort", "an ICMP code needs an ICMP type (fromPort)");
                }
            }
            default -> {
                if ((from != null && from != ANY) || (to != null && to != ANY)) {
                    validator.issue(at, "ports apply to TCP, UDP and ICMP only, not to ALL");
                }
            }
        }
    }

    private void members(List<GroupMember> members, Set<String> groupIds) {
        Set<GroupMember> seen = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            String at = "/groupMembers/" + i;
            GroupMember member = members.get(i);
            if (member == null) {
                validator.issue(at, "must be an object");
                continue;
            }
            if (validator.requiredText(at + "/groupId", member.getGroupId())
                    && !groupIds.contains(member.getGroupId())) {
                validator.issue(
                        at + "/groupId",
                        "unknown security group '" + member.getGroupId() + "' (not in securityGroups)");
            }
            if (validator.requiredIp(at + "/ipAddress", member.getIpAddress()) != null && !seen.add(member)) {
                validator.issue(
                        at, "duplicate member " + member.getIpAddress() + " of security group " + member.getGroupId());
            }
        }
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
