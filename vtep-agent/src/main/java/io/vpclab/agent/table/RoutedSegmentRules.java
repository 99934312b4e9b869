package io.vpclab.agent.table;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortNatGateway;
import io.vpclab.client.model.Segment;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of {@link TableValidator} about what routes to and from the provider network: a
 * port with an elastic IP or a NAT gateway sits on a routed private segment, a default route
 * leads to a routed private segment of the same router with its next hop inside, and public
 * addresses are unique. These are the rules the data plane's snapshot relies on; checking them
 * here gives a pushed or filed table the JSON pointer of the offending value. Values that are
 * missing or malformed are reported by {@link TableValidator} and skipped here.
 */
final class RoutedSegmentRules {

    private final TableValidator validator;
    private final List<Segment> segments;
    private final List<Port> ports;
    /** By VNI: the segment, when its VNI is unique. */
    private final Map<Integer, Segment> byVni = new HashMap<>();

    RoutedSegmentRules(TableValidator validator, ForwardingTable table) {
        this.validator = validator;
        this.segments = table.getSegments() == null ? List.of() : table.getSegments();
        this.ports = table.getPorts() == null ? List.of() : table.getPorts();
        for (Segment segment : segments) {
            if (segment != null && segment.getVni() != null) {
                byVni.putIfAbsent(segment.getVni(), segment);
            }
        }
    }

    void check(Set<String> whitelistIds) {
        defaultRoutes();
        tableRoutes();
        Set<Integer> publicIps = new HashSet<>();
        Set<String> natIds = new HashSet<>();
        for (Port port : ports) {
            if (port != null && port.getElasticIp() != null) {
                Integer ip = bits(port.getElasticIp().getPublicIp());
                if (ip != null) {
                    publicIps.add(ip);
                }
            }
        }
        for (int i = 0; i < ports.size(); i++) {
            Port port = ports.get(i);
            if (port == null) {
                continue;
            }
            String at = "/ports/" + i;
            // a port on the provider segment is reported by TableValidator already
            if (port.getElasticIp() != null && !onProvider(port.getVni()) && !routedPrivate(port.getVni())) {
                validator.issue(at + "/elasticIp", "needs the port on a routed segment (one with a routerId)");
            }
            if (port.getNatGateway() != null) {
                natGateway(at, port, publicIps, natIds, whitelistIds);
            }
        }
    }

    private void natGateway(
            String at, Port port, Set<Integer> publicIps, Set<String> natIds, Set<String> whitelistIds) {
        PortNatGateway nat = port.getNatGateway();
        String natAt = at + "/natGateway";
        if (provider() == null) {
            validator.issue(natAt, "needs a provider segment in segments (provider: true)");
        }
        if (nat.getId() != null && !natIds.add(nat.getId())) {
            validator.issue(natAt + "/id", "duplicate natGateway id '" + nat.getId() + "'");
        }
        if (port.getIpAddress() == null) {
            validator.issue(natAt, "needs the port's ipAddress (the private side of the gateway)");
        }
        if (!routedPrivate(port.getVni())) {
            validator.issue(natAt, "needs the port on a routed private segment (not the provider, with a routerId)");
        }
        Integer publicIp = bits(nat.getPublicIp());
        if (publicIp != null && !publicIps.add(publicIp)) {
            validator.issue(
                    natAt + "/publicIp",
                    nat.getPublicIp() + " is already an elastic IP or NAT gateway address of this table");
        }
        boolean whitelisted = nat.getEgressPolicy() == PortNatGateway.EgressPolicyEnum.WHITELIST;
        if (whitelisted && nat.getWhitelistId() != null && !whitelistIds.contains(nat.getWhitelistId())) {
            validator.issue(
                    natAt + "/whitelistId", "unknown whitelist '" + nat.getWhitelistId() + "' (not in whitelists)");
        }
    }

    private void defaultRoutes() {
        for (int i = 0; i < segments.size(); i++) {
            Segment from = segments.get(i);
            if (from == null || from.getDefaultRoute() == null || from.getRouterId() == null) {
                continue;
            }
            String at = "/segments/" + i + "/defaultRoute";
            if (Boolean.TRUE.equals(from.getProvider())) {
                validator.issue(at, "the provider segment cannot have a default route");
            }
            Integer viaVni = from.getDefaultRoute().getVni();
            Segment via = viaVni == null ? null : byVni.get(viaVni);
            if (viaVni == null) {
                continue;
            }
            if (via == null || !routedPrivate(viaVni)) {
                validator.issue(at + "/vni", "vni " + viaVni + " is not a routed private segment of this table");
            } else if (!from.getRouterId().equals(via.getRouterId())) {
                validator.issue(
                        at + "/vni",
                        "vni " + viaVni + " belongs to router '" + via.getRouterId()
                                + "', not to this segment's router '" + from.getRouterId() + "'");
            } else {
                Integer nextHop = bits(from.getDefaultRoute().getNextHop());
                Ipv4Prefix cidr = prefix(via.getCidrBlock());
                if (nextHop != null && cidr != null && !cidr.contains(nextHop.intValue())) {
                    validator.issue(
                            at + "/nextHop",
                            from.getDefaultRoute().getNextHop() + " is outside vni " + viaVni + "'s cidrBlock " + cidr);
                }
            }
        }
    }

    /** A segment of the table with a router that is not the provider network. */
    private boolean routedPrivate(Integer vni) {
        Segment segment = vni == null ? null : byVni.get(vni);
        return segment != null && segment.getRouterId() != null && !Boolean.TRUE.equals(segment.getProvider());
    }

    private boolean onProvider(Integer vni) {
        Segment segment = vni == null ? null : byVni.get(vni);
        return segment != null && Boolean.TRUE.equals(segment.getProvider());
    }

    private Integer provider() {
        for (Segment segment : segments) {
            if (segment != null && Boolean.TRUE.equals(segment.getProvider())) {
                return segment.getVni();
            }
        }
        return null;
    }

    private static Integer bits(String ip) {
        try {
            return ip == null ? null : Ipv4Address.parseBits(ip);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    private static Ipv4Prefix prefix(String cidr) {
        try {
            return cidr == null ? null : Ipv4Prefix.parse(cidr);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /**
     * A segment's table routes: a valid destination, unique per segment; an appliance route
     * (vni and nextHop together) leads to a segment of the same router with the next hop inside it;
     * neither is a blackhole.
     */
    private void tableRoutes() {
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (segment == null
                    || segment.getRoutes() == null
                    || segment.getRoutes().isEmpty()) {
                continue;
            }
            String at = "/segments/" + i + "/routes";
            if (segment.getRouterId() == null) {
                validator.issue(at, "needs a routerId (the router that routes by them)");
            }
            Set<Ipv4Prefix> destinations = new HashSet<>();
            for (int r = 0; r < segment.getRoutes().size(); r++) {
                var route = segment.getRoutes().get(r);
                String routeAt = at + "/" + r;
                if (route == null) {
                    validator.issue(routeAt, "must be an object");
                    continue;
                }
                Ipv4Prefix destination = validator.prefix(routeAt + "/destination", route.getDestination());
                if (destination == null && route.getDestination() == null) {
                    validator.issue(routeAt + "/destination", "is required");
                }
                if (destination != null && !destinations.add(destination)) {
                    validator.issue(routeAt + "/destination", "duplicate table route " + destination);
                }
                if ((route.getVni() == null) != (route.getNextHop() == null)) {
                    validator.issue(routeAt, "vni and nextHop go together (neither: a blackhole)");
                    continue;
                }
                if (route.getVni() == null) {
                    continue;
                }
                Segment via = byVni.get(route.getVni());
                if (via == null) {
                    validator.issue(routeAt + "/vni", "unknown segment " + route.getVni());
                    continue;
                }
                if (via.getRouterId() == null || !via.getRouterId().equals(segment.getRouterId())) {
                    validator.issue(
                            routeAt + "/vni",
                            "segment " + route.getVni() + " is not routed by router " + segment.getRouterId());
                }
                Integer nextHop = bits(route.getNextHop());
                if (nextHop == null) {
                    validator.issue(routeAt + "/nextHop", "not an IPv4 address: '" + route.getNextHop() + "'");
                } else if (prefix(via.getCidrBlock()) != null
                        && !prefix(via.getCidrBlock()).contains(nextHop)) {
                    validator.issue(
                            routeAt + "/nextHop",
                            route.getNextHop() + " is outside segment " + route.getVni() + " (" + via.getCidrBlock()
                                    + ")");
                }
            }
        }
    }
}
