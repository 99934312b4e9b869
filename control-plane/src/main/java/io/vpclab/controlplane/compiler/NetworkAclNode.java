package io.vpclab.controlplane.compiler;

import java.util.List;
import java.util.Objects;

/** A network ACL as the compiler needs it: its entries (both directions) and the subnets that use it. */
public record NetworkAclNode(String id, List<Entry> entries, List<String> subnetIds) {

    public NetworkAclNode {
        Objects.requireNonNull(id, "id");
        entries = List.copyOf(entries);
        subnetIds = List.copyOf(subnetIds);
    }

    /**
     * One numbered entry: protocol as the table names it (TCP, UDP, ICMP, ALL), ports (icmp type
     * and code, -1 any; null for ALL) and the CIDR of the peer.
     */
    public record Entry(
            int ruleNumber,
            boolean egress,
            boolean allow,
            String protocol,
            Integer fromPort,
            Integer toPort,
            String cidrBlock) {

        public Entry {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(cidrBlock, "cidrBlock");
        }
    }
}
