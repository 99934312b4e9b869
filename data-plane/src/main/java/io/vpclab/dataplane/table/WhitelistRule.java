package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Prefix;

/**
 * One rule of a whitelist: {@code protocol}, the remote side's {@code cidr} (the source of an
 * inbound flow at an elastic IP, the destination of an outbound flow at a NAT gateway) and, for
 * TCP and UDP, the inclusive range of the flow's destination port. ICMP and ALL rules match any
 * port and must keep the full range 0..65535.
 */
public record WhitelistRule(String id, WhitelistProtocol protocol, Ipv4Prefix cidr, int fromPort, int toPort) {

    public static final int MAX_PORT = 65535;

    public WhitelistRule {
        TableHost.requireNonNull(id, "whitelist rule id");
        TableHost.requireNonNull(protocol, "whitelist rule " + id + ": protocol");
        TableHost.requireNonNull(cidr, "whitelist rule " + id + ": cidr");
        if (fromPort < 0 || toPort > MAX_PORT || fromPort > toPort) {
            throw new IllegalArgumentException("whitelist rule " + id + ": port range " + fromPort + "-" + toPort
                    + " is not within 0..65535 with from <= to");
        }
        if (!protocol.hasPorts() && (fromPort != 0 || toPort != MAX_PORT)) {
            throw new IllegalArgumentException(
                    "whitelist rule " + id + ": ports apply to TCP and UDP only, not " + protocol);
        }
    }

    /** A rule for every port of {@code protocol} (the only form ICMP and ALL rules take). */
    public static WhitelistRule anyPort(String id, WhitelistProtocol protocol, Ipv4Prefix cidr) {
        return new WhitelistRule(id, protocol, cidr, 0, MAX_PORT);
    }
}
