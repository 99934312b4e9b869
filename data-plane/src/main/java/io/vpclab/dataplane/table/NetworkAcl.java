package io.vpclab.dataplane.table;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A network ACL with its entries, kept in evaluation order (inbound then outbound, each by rule number). */
public record NetworkAcl(String id, List<NetworkAclEntry> entries) {

    public NetworkAcl {
        TableHost.requireNonNull(id, "network ACL id");
        entries = entries.stream()
                .sorted(Comparator.comparing(NetworkAclEntry::egress).thenComparingInt(NetworkAclEntry::ruleNumber))
                .toList();
        Set<String> numbers = new HashSet<>();
        for (NetworkAclEntry entry : entries) {
            if (!numbers.add(entry.label())) {
                throw new IllegalArgumentException("network ACL " + id + ": duplicate entry " + entry.label());
            }
        }
    }
}
