package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Address;

/** One address that belongs to a security group. */
public record SecurityGroupMember(String groupId, Ipv4Address address) {

    public SecurityGroupMember {
        TableHost.requireNonNull(groupId, "security group member's groupId");
        TableHost.requireNonNull(address, "security group member's address");
    }
}
