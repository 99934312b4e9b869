package io.vpclab.controlplane.securitygroup;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.net.Ipv4Prefix;
import java.util.Locale;

/**
 * What one security group rule allows (AWS's IpPermission): a direction, a protocol, a port range
 * (tcp/udp ports; for icmp the type and code, -1 meaning any) and a peer, either a canonical CIDR or
 * another group. Two rules with equal permissions are duplicates; the description is not part of it.
 */
public record Permission(
        Direction direction,
        Protocol protocol,
        Integer fromPort,
        Integer toPort,
        Ipv4Prefix cidr,
        String referencedGroupId) {

    public enum Direction {
        INGRESS,
        EGRESS
    }

    /** The protocols AWS names; ALL is AWS's "-1". */
    public enum Protocol {
        TCP("tcp"),
        UDP("udp"),
        ICMP("icmp"),
        ALL("-1");

        private final String apiName;

        Protocol(String apiName) {
            this.apiName = apiName;
        }

        public String apiName() {
            return apiName;
        }

        static Protocol parse(String text) {
            for (Protocol protocol : values()) {
                if (protocol.apiName.equals(text.toLowerCase(Locale.ROOT))) {
                    return protocol;
                }
            }
            throw malformed("ipProtocol '" + text + "' is not tcp, udp, icmp or -1");
        }
    }

    public static final int MAX_PORT = 65535;
    /** ICMP types and codes are one byte (RFC 792). */
    public static final int MAX_ICMP_VALUE = 255;
    /** AWS's "any" for an ICMP type or code. */
    public static final int ANY = -1;

    public Permission {
        if (direction == null) {
            throw ApiException.badRequest("MissingParameter", "direction is required (ingress or egress)");
        }
        if (protocol == null) {
            throw ApiException.badRequest("MissingParameter", "ipProtocol is required (tcp, udp, icmp or -1)");
        }
        if ((cidr == null) == (referencedGroupId == null)) {
            throw malformed("a rule names exactly one of cidrIp and referencedGroupId");
        }
        switch (protocol) {
            case TCP, UDP -> {
                if (fromPort == null || toPort == null) {
                    throw malformed(protocol.apiName + " rules need fromPort and toPort");
                }
                requireWithin("fromPort", fromPort, 0, MAX_PORT);
                requireWithin("toPort", toPort, 0, MAX_PORT);
                if (fromPort > toPort) {
                    throw malformed("port range " + fromPort + "-" + toPort + " is inverted");
                }
            }
            case ICMP -> {
                fromPort = fromPort == null ? ANY : fromPort;
                toPort = toPort == null ? ANY : toPort;
                requireWithin("icmp type (fromPort)", fromPort, ANY, MAX_ICMP_VALUE);
                requireWithin("icmp code (toPort)", toPort, ANY, MAX_ICMP_VALUE);
                if (fromPort == ANY && toPort != ANY) {
                    throw malformed("an icmp code needs an icmp type (fromPort -1 means every type and code)");
                }
            }
            case ALL -> {
                if (!anyOrAbsent(fromPort) || !anyOrAbsent(toPort)) {
                    throw malformed("ports apply to tcp, udp and icmp only, not to -1");
                }
                fromPort = null;
                toPort = null;
            }
        }
    }

    /** Validates an API rule: the CIDR is parsed and canonicalised, every defect is InvalidPermission.Malformed. */
    public static Permission of(
            Direction direction,
            String ipProtocol,
            Integer fromPort,
            Integer toPort,
            String cidrIp,
            String referencedGroupId) {
        if (ipProtocol == null) {
            throw ApiException.badRequest("MissingParameter", "ipProtocol is required (tcp, udp, icmp or -1)");
        }
        return new Permission(
                direction, Protocol.parse(ipProtocol), fromPort, toPort, cidr(cidrIp), blankToNull(referencedGroupId));
    }

    /** Everything, to every peer: the egress rule a new group starts with. */
    static Permission allEgress() {
        return new Permission(Direction.EGRESS, Protocol.ALL, null, null, Ipv4Prefix.parse("0.0.0.0/0"), null);
    }

    /** Everything from the group's own members: the default group's ingress rule. */
    static Permission allIngressFrom(String groupId) {
        return new Permission(Direction.INGRESS, Protocol.ALL, null, null, null, groupId);
    }

    String describe() {
        String ports = fromPort == null ? "" : " " + fromPort + ".." + toPort;
        String peer = cidr != null ? cidr.toString() : referencedGroupId;
        return direction.name().toLowerCase(Locale.ROOT) + " " + protocol.apiName + ports + " " + peer;
    }

    private static Ipv4Prefix cidr(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Ipv4Parameters.prefix(text, "cidrIp");
        } catch (ApiException e) {
            throw malformed("cidrIp '" + text + "' is not an IPv4 CIDR block");
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static boolean anyOrAbsent(Integer port) {
        return port == null || port == ANY;
    }

    private static void requireWithin(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw malformed(name + " " + value + " is outside " + min + ".." + max);
        }
    }

    static ApiException malformed(String detail) {
        return ApiException.badRequest("InvalidPermission.Malformed", detail);
    }
}
