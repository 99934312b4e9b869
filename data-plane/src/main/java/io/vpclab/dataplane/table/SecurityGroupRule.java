package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Prefix;

/**
 * One rule of a security group: {@code protocol}, the peer (the source of an ingress flow, the
 * destination of an egress flow) as a {@code cidr} or as the members of group {@code peerGroupId}
 * (exactly one of the two), and what the protocol takes: for TCP and UDP the inclusive range of
 * the flow's destination port, for ICMP the type in {@code fromPort} and the code in {@code toPort}
 * ({@link #ANY} for any), for ALL nothing ({@link #ANY} both).
 */
public record SecurityGroupRule(
        String id, WhitelistProtocol protocol, int fromPort, int toPort, Ipv4Prefix cidr, String peerGroupId) {

    /** AWS's "any" ICMP type or code; the ports of an ALL rule. */
    public static final int ANY = -1;

    public static final int MAX_PORT = 65535;
    /** ICMP types and codes are one byte (RFC 792). */
    public static final int MAX_ICMP_VALUE = 255;

    public SecurityGroupRule {
        TableHost.requireNonNull(id, "security group rule id");
        TableHost.requireNonNull(protocol, "security group rule " + id + ": protocol");
        if ((cidr == null) == (peerGroupId == null)) {
            throw new IllegalArgumentException(
                    "security group rule " + id + ": needs exactly one of a CIDR and a peer group");
        }
        boolean valid = validPorts(protocol, fromPort, toPort);
        if (!valid) {
            throw new IllegalArgumentException("security group rule " + id + ": " + fromPort + ".." + toPort
                    + " is not a valid range for " + protocol);
        }
    }

    /** The ports {@code protocol} takes: a TCP/UDP range, an ICMP type and code (or ANY), nothing for ALL. */
    static boolean validPorts(WhitelistProtocol protocol, int fromPort, int toPort) {
        return switch (protocol) {
            case TCP, UDP -> fromPort >= 0 && toPort <= MAX_PORT && fromPort <= toPort;
            case ICMP ->
                fromPort >= ANY
                        && fromPort <= MAX_ICMP_VALUE
                        && toPort >= ANY
                        && toPort <= MAX_ICMP_VALUE
                        && (fromPort != ANY || toPort == ANY);
            case ALL -> fromPort == ANY && toPort == ANY;
        };
    }
}
