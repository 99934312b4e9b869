package io.vpclab.controlplane.whitelist;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.net.Ipv4Prefix;

/**
 * What a whitelist rule matches: a protocol, a destination (egress) or source (ingress) CIDR,
 * canonical, and for tcp/udp an inclusive port range. Two rules with equal matches are duplicates.
 */
public record RuleMatch(Protocol protocol, Ipv4Prefix cidr, Integer fromPort, Integer toPort) {

    public enum Protocol {
        TCP,
        UDP,
        ICMP,
        ALL;

        boolean hasPorts() {
            return this == TCP || this == UDP;
        }
    }

    public static final int MAX_PORT = 65535;

    public RuleMatch {
        if (protocol == null) {
            throw ApiException.badRequest("MissingParameter", "protocol is required (tcp, udp, icmp or all)");
        }
        if (cidr == null) {
            throw ApiException.badRequest("MissingParameter", "cidrBlock is required");
        }
        if (!protocol.hasPorts()) {
            if (fromPort != null || toPort != null) {
                throw ApiException.invalidParameter("ports apply to tcp and udp only, not to "
                        + protocol.name().toLowerCase());
            }
        } else {
            // A tcp/udp rule without ports allows every port; one bound alone means that single port.
            if (fromPort == null && toPort == null) {
                fromPort = 0;
                toPort = MAX_PORT;
            } else if (fromPort == null) {
                fromPort = toPort;
            } else if (toPort == null) {
                toPort = fromPort;
            }
            requirePort("fromPort", fromPort);
            requirePort("toPort", toPort);
            if (fromPort > toPort) {
                throw ApiException.invalidParameter(
                        "port range " + fromPort + "-" + toPort + " is inverted (fromPort must be <= toPort)");
            }
        }
    }

    /** Validates an API rule; the CIDR is parsed and canonicalised. */
    public static RuleMatch of(String protocol, String cidrBlock, Integer fromPort, Integer toPort) {
        if (protocol == null) {
            throw ApiException.badRequest("MissingParameter", "protocol is required (tcp, udp, icmp or all)");
        }
        Protocol parsed;
        try {
            parsed = Protocol.valueOf(protocol.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter("protocol '" + protocol + "' is not tcp, udp, icmp or all");
        }
        return new RuleMatch(parsed, Ipv4Parameters.prefix(cidrBlock, "cidrBlock"), fromPort, toPort);
    }

    static RuleMatch stored(Protocol protocol, String cidrBlock, Integer fromPort, Integer toPort) {
        return new RuleMatch(protocol, Ipv4Parameters.prefix(cidrBlock, "cidrBlock"), fromPort, toPort);
    }

    private static void requirePort(String name, int port) {
        if (port < 0 || port > MAX_PORT) {
            throw ApiException.invalidParameter(name + " " + port + " is outside 0.." + MAX_PORT);
        }
    }
}
