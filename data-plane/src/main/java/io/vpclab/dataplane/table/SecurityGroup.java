package io.vpclab.dataplane.table;

import java.util.List;

/** A security group's rules per direction; a group a table holds only as a rule's peer has none. */
public record SecurityGroup(String id, List<SecurityGroupRule> ingress, List<SecurityGroupRule> egress) {

    public SecurityGroup {
        TableHost.requireNonNull(id, "security group id");
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
    }
}
