package io.vpclab.controlplane.compiler;

import java.util.List;
import java.util.Objects;

/**
 * A security group as the compiler needs it: its rules per direction, the instances that carry
 * it (by id; their addresses come from the VPC's instances) and whether it is its VPC's default group.
 */
public record SecurityGroupNode(
        String id, List<Rule> ingress, List<Rule> egress, List<String> memberInstanceIds, boolean isDefault) {

    public SecurityGroupNode {
        Objects.requireNonNull(id, "id");
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
        memberInstanceIds = List.copyOf(memberInstanceIds);
    }

    /** A group that is not its VPC's default group. */
    public SecurityGroupNode(String id, List<Rule> ingress, List<Rule> egress, List<String> memberInstanceIds) {
        this(id, ingress, egress, memberInstanceIds, false);
    }

    /**
     * One rule: protocol as the table names it (TCP, UDP, ICMP, ALL), ports (icmp type and code,
     * -1 any; null for ALL) and exactly one peer, a CIDR or a group id.
     */
    public record Rule(String id, String protocol, Integer fromPort, Integer toPort, String cidrBlock, String groupId) {

        public Rule {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(protocol, "protocol");
            if ((cidrBlock == null) == (groupId == null)) {
                throw new IllegalArgumentException("rule " + id + " needs exactly one of cidrBlock and groupId");
            }
        }
    }
}
