package io.vpclab.controlplane.analyzer;

import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.table.EgressPolicy;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.NatGateway;
import io.vpclab.dataplane.table.NetworkAclLookup;
import io.vpclab.dataplane.table.PortFilter;
import io.vpclab.dataplane.table.PortKind;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.RouteDecision;
import io.vpclab.dataplane.table.SecurityPolicyLookup;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Walks one flow's first packet through the hosts' forwarding states as the data plane would
 * carry it, and checks that its reply gets back past the stateless ACLs. Pure: a function of the
 * states and the flow. Each decision is the data plane's own: {@link SecurityPolicyLookup} for
 * groups, {@link NetworkAclLookup} for ACLs, {@link RouteDecision} for the router, the states'
 * whitelist and elastic IP lookups for the public side. What it adds is only the order in which
 * the stages ask them (the stage list of the data plane's {@code Pipeline}).
 */
final class PathWalker {

    /** A flow's first packet: protocol number, destination port (ICMP: the echo type), the source's port. */
    record Flow(int protocol, int destinationPort, int sourcePort) {

        static Flow ping() {
            return new Flow(IpProtocol.ICMP_VALUE, IcmpType.ECHO_REQUEST_VALUE, 0);
        }

        boolean isIcmp() {
            return protocol == IpProtocol.ICMP_VALUE;
        }

        /** What rules match the reply on: the source's port, or the echo reply type. */
        int replyPortOrType() {
            return isIcmp() ? IcmpType.ECHO_REPLY_VALUE : sourcePort;
        }

        String describe() {
            return switch (protocol) {
                case IpProtocol.ICMP_VALUE -> "icmp echo";
                case IpProtocol.TCP_VALUE -> "tcp " + destinationPort;
                case IpProtocol.UDP_VALUE -> "udp " + destinationPort;
                default -> "protocol " + protocol;
            };
        }
    }

    /** The walk's answer: whether the destination answers, and every step (the blocking one last). */
    record Result(boolean reachable, List<PathHop> hops) {}

    /** A path crosses few hosts; a longer one is a loop the tables should not allow. */
    private static final int MAX_STEPS = 16;

    private static final int TTL = 64;

    private final Function<String, ForwardingState> tables;
    private final RouteDecision decision = new RouteDecision();

    private final List<PathHop> hops = new ArrayList<>();
    private Flow flow;
    private int source;
    private int destination;
    /** Where the reply's ACL checks happen: the source port and the original destination. */
    private String sourceHost;

    private int sourcePortIndex;
    private int originalDestination;

    /** @param tables the forwarding state of a host by its id (null for a host without a table) */
    PathWalker(Function<String, ForwardingState> tables) {
        this.tables = tables;
    }

    /** The walk of {@code flow} from port {@code portId} of host {@code hostId} to {@code destinationIp}. */
    Result walk(String hostId, String portId, int destinationIp, Flow flow) {
        hops.clear();
        this.flow = flow;
        ForwardingState state = state(hostId);
        int port = state == null ? ForwardingState.NONE : state.portIndexOf(portId);
        if (port == ForwardingState.NONE) {
            hops.add(PathHop.block(
                    PathComponent.SOURCE,
                    portId,
                    hostId,
                    null,
                    "port " + portId + " is not in host " + hostId
                            + "'s table yet (not placed, or its host has not registered)"));
            return new Result(false, List.copyOf(hops));
        }
        LocalPort local = state.port(port);
        source = local.ipAddress().bits();
        destination = destinationIp;
        originalDestination = destinationIp;
        sourceHost = hostId;
        sourcePortIndex = port;
        hops.add(PathHop.pass(
                PathComponent.SOURCE,
                local.id(),
                hostId,
                null,
                local.name() + " (" + local.ipAddress() + ") sends " + flow.describe() + " from port "
                        + (flow.isIcmp() ? "-" : flow.sourcePort()) + " to " + format(destinationIp)));
        if (!admitsOut(state, hostId, port)) {
            return blocked();
        }
        int segment = state.portSegment(port);
        boolean onLink = local.prefixLength() > 0
                && (destination & Ipv4Prefix.mask(local.prefixLength()))
                        == (source & Ipv4Prefix.mask(local.prefixLength()));
        if (onLink) {
            long mac = state.bindingMac(segment, destination);
            if (mac == ForwardingState.NO_MAC) {
                hops.add(PathHop.block(
                        PathComponent.ROUTE,
                        null,
                        hostId,
                        null,
                        "no instance holds " + format(destination) + " on its own subnet (ARP gets no answer)"));
                return blocked();
            }
            return deliver(state, hostId, segment, mac, 0) ? reached() : blocked();
        }
        return route(state, hostId, segment) ? reached() : blocked();
    }

    private Result reached() {
        return new Result(true, List.copyOf(hops));
    }

    private Result blocked() {
        return new Result(false, List.copyOf(hops));
    }

    private ForwardingState state(String hostId) {
        return hostId == null ? null : tables.apply(hostId);
    }

    /** The VPC router of {@code segment} at {@code hostId}, then on to the next hop. */
    private boolean route(ForwardingState state, String hostId, int segment) {
        if (state.segmentRouter(segment) == ForwardingState.NONE) {
            hops.add(PathHop.block(PathComponent.ROUTE, null, hostId, null, "the subnet has no router"));
            return false;
        }
        int egress = decision.decide(state, segment, source, destination, TTL);
        String routeId = routeLabel();
        switch (egress) {
            case RouteDecision.TO_GATEWAY -> {
                boolean answered = flow.isIcmp();
                hops.add(new PathHop(
                        PathComponent.DESTINATION,
                        null,
                        hostId,
                        null,
                        format(destination) + " is the subnet's gateway: the router answers "
                                + (answered ? "pings" : "nothing else"),
                        answered));
                return answered;
            }
            case RouteDecision.BLACKHOLE -> {
                hops.add(PathHop.block(
                        PathComponent.ROUTE,
                        null,
                        hostId,
                        routeId,
                        "the subnet's route table sends " + format(destination) + " to a blackhole (" + routeId + ")"));
                return false;
            }
            case RouteDecision.NO_ROUTE, RouteDecision.TTL_EXPIRED -> {
                hops.add(PathHop.block(
                        PathComponent.ROUTE,
                        null,
                        hostId,
                        routeId,
                        "no route to " + format(destination) + " from the subnet"
                                + (decision.decidedBy() == 0 ? "" : " reaches an address (" + routeId + ")")));
                return false;
            }
            case RouteDecision.VIA_ELASTIC_IP -> {
                int eip = state.elasticIpByPrivate(segment, source);
                int publicIp = state.elasticIps().get(eip).publicIp().bits();
                hops.add(PathHop.pass(
                        PathComponent.ROUTE,
                        null,
                        hostId,
                        routeId,
                        "no VPC route to " + format(destination) + ": the instance's elastic IP carries it"));
                hops.add(PathHop.pass(
                        PathComponent.ELASTIC_IP_SNAT,
                        format(publicIp),
                        hostId,
                        null,
                        "source " + format(source) + " becomes elastic IP " + format(publicIp)));
                source = publicIp;
                return toInternet(state, hostId);
            }
            case RouteDecision.TO_PUBLIC_ADDRESS -> {
                hops.add(PathHop.pass(
                        PathComponent.ROUTE,
                        null,
                        hostId,
                        routeId,
                        "routed to public address " + format(destination) + ", held on this host"));
                return toPublicAddress(state, hostId);
            }
            default -> {
                hops.add(PathHop.pass(
                        PathComponent.ROUTE,
                        null,
                        hostId,
                        routeId,
                        "routed to " + format(destination) + " by " + routeId + ", out on VNI "
                                + state.segmentVni(egress)));
                return deliver(state, hostId, egress, decision.nextHopMac(), 0);
            }
        }
    }

    /** Names the route the last decision took, as the route table view shows it: "table:/len" or the kind. */
    private String routeLabel() {
        return switch (decision.decidedBy()) {
            case RouteDecision.BY_ROUTER -> "vpc-route/" + decision.prefixLength();
            case RouteDecision.BY_TABLE_ROUTE -> "table-route/" + decision.prefixLength();
            case RouteDecision.BY_ELASTIC_IP -> "elastic-ip";
            case RouteDecision.BY_DEFAULT_ROUTE -> "default-route/0";
            default -> null;
        };
    }

    /**
     * The frame for {@code mac} on {@code segment} at {@code hostId}: a local port (an instance,
     * an appliance, a NAT gateway's private side) or a remote VTEP.
     */
    private boolean deliver(ForwardingState state, String hostId, int segment, long mac, int steps) {
        if (steps > MAX_STEPS) {
            hops.add(PathHop.block(PathComponent.VXLAN, null, hostId, null, "the path loops between hosts"));
            return false;
        }
        int entry = state.macEntry(segment, mac);
        if (entry == ForwardingState.NONE) {
            hops.add(PathHop.block(
                    PathComponent.VXLAN,
                    null,
                    hostId,
                    null,
                    "no port or VTEP holds the next hop's MAC on VNI " + state.segmentVni(segment)));
            return false;
        }
        if (!ForwardingState.isLocalPortEntry(entry)) {
            RemoteVtep vtep = state.vteps().get(ForwardingState.entryIndex(entry));
            int vni = state.segmentVni(segment);
            hops.add(PathHop.pass(
                    PathComponent.VXLAN,
                    vtep.id(),
                    hostId,
                    null,
                    "VXLAN VNI " + vni + " from VTEP " + hostId + " ("
                            + state.host().underlayIp() + ") to VTEP " + vtep.id() + " (" + vtep.ip() + ":"
                            + vtep.udpPort() + ")"));
            ForwardingState remote = state(vtep.id());
            int remoteSegment = remote == null ? ForwardingState.NONE : remote.segmentIndexOf(vni);
            if (remoteSegment == ForwardingState.NONE) {
                hops.add(PathHop.block(
                        PathComponent.VXLAN,
                        vtep.id(),
                        vtep.id(),
                        null,
                        "host " + vtep.id() + " does not serve VNI " + vni));
                return false;
            }
            if (RouteDecision.isHeld(remote, remoteSegment, destination)) {
                return toPublicAddress(remote, vtep.id());
            }
            return deliver(remote, vtep.id(), remoteSegment, mac, steps + 1);
        }
        int port = ForwardingState.entryIndex(entry);
        int nat = state.natGatewayOfPort(port);
        if (nat != ForwardingState.NONE) {
            return natGateway(state, hostId, nat);
        }
        LocalPort target = state.port(port);
        if (!admitsIn(state, hostId, port)) {
            return false;
        }
        if (target.kind() == PortKind.VPN_GATEWAY) {
            hops.add(PathHop.block(
                    PathComponent.DESTINATION,
                    target.id(),
                    hostId,
                    null,
                    "enters the VPN tunnel at " + target.name() + ": the analyzer stops at the tunnel"));
            return false;
        }
        if (target.ipAddress() == null || target.ipAddress().bits() != destination) {
            hops.add(PathHop.block(
                    PathComponent.APPLIANCE,
                    target.id(),
                    hostId,
                    null,
                    "delivered to appliance " + target.name() + " (" + target.ipAddress() + ") with destination "
                            + format(destination) + " unchanged; an instance forwards only if its own stack does"));
            return false;
        }
        hops.add(PathHop.pass(
                PathComponent.DESTINATION,
                target.id(),
                hostId,
                null,
                target.name() + " (" + target.ipAddress() + ") receives " + flow.describe()));
        return replyPasses(state, hostId, port);
    }

    /** A NAT gateway's private side: its subnets, its egress policy, then SNAT onto the public segment. */
    private boolean natGateway(ForwardingState state, String hostId, int nat) {
        NatGateway gateway = state.natGateways().get(nat);
        if (!gateway.serves(source)) {
            hops.add(PathHop.block(
                    PathComponent.NAT_GATEWAY,
                    gateway.id(),
                    hostId,
                    null,
                    "NAT gateway " + gateway.id() + " serves " + gateway.sources() + ", not " + format(source)));
            return false;
        }
        if (gateway.egress() != EgressPolicy.ALLOW_ALL) {
            int whitelist = state.natGatewayWhitelist(nat);
            int rule = whitelist == ForwardingState.NONE
                    ? ForwardingState.NONE
                    : state.whitelistMatch(whitelist, flow.protocol(), destination, whitelistPort());
            if (rule == ForwardingState.NONE) {
                hops.add(PathHop.block(
                        PathComponent.NAT_GATEWAY,
                        gateway.id(),
                        hostId,
                        whitelist == ForwardingState.NONE
                                ? null
                                : state.whitelists().get(whitelist).id(),
                        "NAT gateway " + gateway.id() + "'s egress policy " + gateway.egress() + " lets no new flow to "
                                + format(destination) + " out"));
                return false;
            }
        }
        hops.add(PathHop.pass(
                PathComponent.NAT_GATEWAY,
                gateway.id(),
                hostId,
                null,
                "NAT gateway " + gateway.id() + ": source " + format(source) + " becomes " + gateway.publicIp()));
        source = gateway.publicIp().bits();
        return toInternet(state, hostId);
    }

    /** After a source translation, the public router at {@code hostId}: a hairpin or the public segment. */
    private boolean toInternet(ForwardingState state, String hostId) {
        if (state.elasticIpByPublic(destination) != ForwardingState.NONE) {
            return toPublicAddress(state, hostId);
        }
        int publicSegment = state.publicSegment();
        long mac = publicSegment != ForwardingState.NONE
                        && state.route(state.segmentRouter(publicSegment), destination) == publicSegment
                ? state.bindingMac(publicSegment, destination)
                : ForwardingState.NO_MAC;
        if (mac == ForwardingState.NO_MAC) {
            hops.add(PathHop.block(
                    PathComponent.ROUTE,
                    null,
                    hostId,
                    null,
                    "nothing on the public network answers for " + format(destination)));
            return false;
        }
        return deliver(state, hostId, publicSegment, mac, 0);
    }

    /** A packet for a public address held at {@code hostId}: an elastic IP's inbound side, or a NAT gateway's. */
    private boolean toPublicAddress(ForwardingState state, String hostId) {
        int eip = state.elasticIpByPublic(destination);
        if (eip == ForwardingState.NONE) {
            int nat = state.natGatewayByPublic(destination);
            String id = nat == ForwardingState.NONE
                    ? null
                    : state.natGateways().get(nat).id();
            hops.add(PathHop.block(
                    PathComponent.NAT_GATEWAY,
                    id,
                    hostId,
                    null,
                    "a NAT gateway's public address admits only replies to flows its subnets started"));
            return false;
        }
        String publicIp = format(destination);
        if (!state.elasticIpAllowsAll(eip)) {
            int whitelist = state.elasticIpWhitelist(eip);
            int rule = whitelist == ForwardingState.NONE
                    ? ForwardingState.NONE
                    : state.whitelistMatch(whitelist, flow.protocol(), source, whitelistPort());
            if (rule == ForwardingState.NONE) {
                hops.add(PathHop.block(
                        PathComponent.ELASTIC_IP_DNAT,
                        publicIp,
                        hostId,
                        whitelist == ForwardingState.NONE
                                ? null
                                : state.whitelists().get(whitelist).id(),
                        whitelist == ForwardingState.NONE
                                ? "elastic IP " + publicIp + "'s ingress policy denies new inbound flows"
                                : "no rule of elastic IP " + publicIp + "'s ingress whitelist admits " + flow.describe()
                                        + " from " + format(source)));
                return false;
            }
        }
        int segment = state.elasticIpSegment(eip);
        int privateIp = state.elasticIpPrivate(eip);
        hops.add(PathHop.pass(
                PathComponent.ELASTIC_IP_DNAT,
                publicIp,
                hostId,
                null,
                "destination elastic IP " + publicIp + " becomes " + format(privateIp)));
        destination = privateIp;
        long mac = state.bindingMac(segment, privateIp);
        if (mac == ForwardingState.NO_MAC) {
            hops.add(PathHop.block(
                    PathComponent.ELASTIC_IP_DNAT, publicIp, hostId, null, "no binding for " + format(privateIp)));
            return false;
        }
        return deliver(state, hostId, segment, mac, 0);
    }

    /** Whitelists match TCP and UDP on the destination port, everything else on 0 (the data plane's reading). */
    private int whitelistPort() {
        return flow.isIcmp() ? 0 : flow.destinationPort();
    }

    // ---- security groups and ACLs, in the order of the data plane's SecurityPolicy stage ----

    private boolean admitsOut(ForwardingState state, String hostId, int port) {
        PortFilter policy = PortFilter.of(state, port);
        LocalPort local = state.port(port);
        if (policy.skips(destination)) {
            return true;
        }
        if (policy.groups() != ForwardingState.NONE && !groupRule(state, hostId, local, policy.groups(), true)) {
            return false;
        }
        return !policy.aclFilters(destination)
                || acl(
                        state,
                        hostId,
                        policy.acl(),
                        true,
                        destination,
                        portOrType(),
                        PathComponent.NETWORK_ACL_OUTBOUND);
    }

    /** The rule of the port's groups that admits the flow out of ({@code egress}) or into the port, as a hop. */
    private boolean groupRule(ForwardingState state, String hostId, LocalPort local, int portGroups, boolean egress) {
        SecurityPolicyLookup groups = state.securityPolicy();
        int peer = egress ? destination : source;
        int rule = egress
                ? groups.egressRule(portGroups, flow.protocol(), peer, portOrType(), icmpCode())
                : groups.ingressRule(portGroups, flow.protocol(), peer, portOrType(), icmpCode());
        PathComponent component = egress ? PathComponent.SECURITY_GROUP_EGRESS : PathComponent.SECURITY_GROUP_INGRESS;
        String direction = egress ? "outbound" : "inbound";
        if (rule == ForwardingState.NONE) {
            hops.add(PathHop.block(
                    component,
                    local.id(),
                    hostId,
                    null,
                    "no " + direction + " rule of " + local.name() + "'s security groups allows " + flow.describe()
                            + (egress ? " to " : " from ") + format(peer)));
            return false;
        }
        hops.add(PathHop.pass(
                component,
                groups.ruleGroupId(rule),
                hostId,
                groups.ruleId(rule),
                direction + " rule " + groups.ruleId(rule) + " of " + groups.ruleGroupId(rule) + " allows it"));
        return true;
    }

    private boolean admitsIn(ForwardingState state, String hostId, int port) {
        PortFilter policy = PortFilter.of(state, port);
        LocalPort local = state.port(port);
        if (policy.skips(source)) {
            return true;
        }
        if (policy.aclFilters(source)
                && !acl(state, hostId, policy.acl(), false, source, portOrType(), PathComponent.NETWORK_ACL_INBOUND)) {
            return false;
        }
        return policy.groups() == ForwardingState.NONE || groupRule(state, hostId, local, policy.groups(), false);
    }

    /**
     * The reply gets back: groups track the flow (stateful), but ACLs judge every packet, so the
     * destination subnet's outbound ACL and the source subnet's inbound ACL must allow the reply
     * to the source's port.
     */
    private boolean replyPasses(ForwardingState state, String hostId, int port) {
        PortFilter there = PortFilter.of(state, port);
        if (!there.skips(source)
                && there.aclFilters(source)
                && !acl(
                        state,
                        hostId,
                        there.acl(),
                        true,
                        source,
                        flow.replyPortOrType(),
                        PathComponent.REPLY_NETWORK_ACL_OUTBOUND)) {
            return false;
        }
        ForwardingState origin = state(sourceHost);
        PortFilter here = PortFilter.of(origin, sourcePortIndex);
        return here.skips(originalDestination)
                || !here.aclFilters(originalDestination)
                || acl(
                        origin,
                        sourceHost,
                        here.acl(),
                        false,
                        originalDestination,
                        flow.replyPortOrType(),
                        PathComponent.REPLY_NETWORK_ACL_INBOUND);
    }

    private boolean acl(
            ForwardingState state,
            String hostId,
            int acl,
            boolean egress,
            int peer,
            int portOrType,
            PathComponent component) {
        NetworkAclLookup acls = state.networkAcls();
        int entry = acls.evaluate(acl, egress, flow.protocol(), peer, portOrType, icmpCode());
        String aclId = acls.aclId(acl);
        String label =
                entry == NetworkAclLookup.FINAL_DENY ? (egress ? "egress" : "ingress") + "/*" : acls.entryLabel(entry);
        boolean allows = acls.allows(entry);
        String subject = component == PathComponent.REPLY_NETWORK_ACL_OUTBOUND
                        || component == PathComponent.REPLY_NETWORK_ACL_INBOUND
                ? "the reply (" + (flow.isIcmp() ? "echo reply" : "to port " + portOrType) + ")"
                : flow.describe();
        String detail = entry == NetworkAclLookup.FINAL_DENY
                ? "no entry of network ACL " + aclId + " matches " + subject + ": the final deny (*) drops it"
                : "entry " + label + " of network ACL " + aclId + (allows ? " allows " : " denies ") + subject;
        hops.add(new PathHop(component, aclId, hostId, label, detail, allows));
        return allows;
    }

    private int portOrType() {
        return flow.destinationPort();
    }

    private int icmpCode() {
        return 0;
    }

    private static String format(int address) {
        return Ipv4Address.format(address);
    }
}
