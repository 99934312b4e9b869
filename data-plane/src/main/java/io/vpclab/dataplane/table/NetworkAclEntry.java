package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Prefix;

/**
 * One numbered entry of a network ACL: {@code egress} (outbound) or inbound, {@code allow} or
 * deny, and what it matches: {@code protocol}, the peer {@code cidr} (the source of an inbound
 * packet, the destination of an outbound one) and the ports as a security group rule takes them
 * ({@link SecurityGroupRule}).
 */
public record NetworkAclEntry(
        int ruleNumber,
        boolean egress,
        boolean allow,
        WhitelistProtocol protocol,
        int fromPort,
        int toPort,
        Ipv4Prefix cidr) {

    /** AWS numbers entries 1..32766; 32767 is the implicit final deny ({@code *}). */
    public static final int MAX_RULE_NUMBER = 32766;

    public NetworkAclEntry {
        TableHost.requireNonNull(protocol, "network ACL entry " + ruleNumber + ": protocol");
        TableHost.requireNonNull(cidr, "network ACL entry " + ruleNumber + ": cidr");
        if (ruleNumber < 1 || ruleNumber > MAX_RULE_NUMBER) {
            throw new IllegalArgumentException(
                    "network ACL entry number must be 1.." + MAX_RULE_NUMBER + ": " + ruleNumber);
        }
        if (!SecurityGroupRule.validPorts(protocol, fromPort, toPort)) {
            throw new IllegalArgumentException("network ACL entry " + ruleNumber + ": " + fromPort + ".." + toPort
                    + " is not a valid range for " + protocol);
        }
    }

    /** How a counter or a diagnostic names the entry: {@code ingress/100}, {@code egress/32767}. */
    public String label() {
        return (egress ? "egress/" : "ingress/") + ruleNumber;
    }
}
