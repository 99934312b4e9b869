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
import io.vpclab.dataplane.table.VpnGateway;
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

    /**
     * A flow's first packet: protocol number, destination port (ICMP: the echo type), and the
     * ports its source may send from ({@code sourcePortFrom..sourcePortTo}: one port the request
     * named, or the source's whole ephemeral range), which its replies must reach back to.
     */
    record Flow(int protocol, int destinationPort, int sourcePortFrom, int sourcePortTo) {

        static Flow ping() {
            return new Flow(IpProtocol.ICMP_VALUE, IcmpType.ECHO_REQUEST_VALUE, 0, 0);
        }

        boolean isIcmp() {
            return protocol == IpProtocol.ICMP_VALUE;
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
    /** The ports the reply goes to past the destination's ACL: the source's, or a NAT gateway's public ones. */
    private int replyPortFrom;

    private int replyPortTo;
    private String replyPortsName;

    /** @param tables the forwarding state of a host by its id (null for a host without a table) */
    PathWalker(Function<String, ForwardingState> tables) {
        this.tables = tables;
    }

    /** The walk of {@code flow} from port {@code portId} of host {@code hostId}, from the port's own address. */
    Result walk(String hostId, String portId, int destinationIp, Flow flow) {
        return walk(hostId, portId, null, destinationIp, flow);
    }

    /**
     * The walk of {@code flow} from port {@code portId} of host {@code hostId} to {@code destinationIp};
     * from {@code sourceIp} when the port is a VPN gateway's (an on-premises address), else from the
     * port's own address.
     */
    Result walk(String hostId, String portId, Ipv4Address sourceIp, int destinationIp, Flow flow) {
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
            return blocked();
        }
        LocalPort local = state.port(port);
        boolean fromTunnel = state.isVpnGatewayPort(port);
        source = fromTunnel && sourceIp != null
                ? sourceIp.bits()
                : local.ipAddress().bits();
        destination = destinationIp;
        originalDestination = destinationIp;
        sourceHost = hostId;
        sourcePortIndex = port;
        replyPortFrom = flow.sourcePortFrom();
        replyPortTo = flow.sourcePortTo();
        replyPortsName = "the source's ephemeral ports";
        String sends = " sends " + flow.describe() + " from port "
                + (flow.isIcmp() ? "-" : ports(replyPortFrom, replyPortTo)) + " to " + format(destinationIp);
        if (fromTunnel) {
            VpnGateway.Peer peer = peerCovering(state, local, source);
            if (peer == null) {
                noVpnConnection(hostId, local, source);
                return blocked();
            }
            hops.add(PathHop.pass(
                    PathComponent.SOURCE,
                    peer.id(),
                    hostId,
                    null,
                    "on-premises " + format(source) + sends + ", through the tunnel of VPN connection " + peer.id()));
            hops.add(PathHop.pass(
                    PathComponent.VPN_GATEWAY,
                    local.id(),
                    hostId,
                    cidrCovering(peer, source).toString(),
                    "VPN gateway " + local.name() + " decrypts it (on-premises CIDR " + cidrCovering(peer, source)
                            + " of " + peer.id() + ") into the VPC's router"));
        } else {
            hops.add(PathHop.pass(
                    PathComponent.SOURCE,
                    local.id(),
                    hostId,
                    null,
                    local.name() + " (" + local.ipAddress() + ")" + sends));
        }
        if (!admitsOut(state, hostId, port)) {
            return blocked();
        }
        int segment = state.portSegment(port);
        // what leaves a tunnel is always routed: the gateway's port sends it to the router
        boolean onLink = !fromTunnel
                && local.ipAddress() != null
                && local.prefixLength() > 0
                && (destination & Ipv4Prefix.mask(local.prefixLength()))
                        == (local.ipAddress().bits() & Ipv4Prefix.mask(local.prefixLength()));
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
        return route(state, hostId, port, segment) ? reached() : blocked();
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

    /** The VPC router of {@code segment} at {@code hostId}, for a packet from local port {@code port}, then on to the next hop. */
    private boolean route(ForwardingState state, String hostId, int port, int segment) {
        if (state.segmentRouter(segment) == ForwardingState.NONE) {
            hops.add(PathHop.block(PathComponent.ROUTE, null, hostId, null, "the subnet has no router"));
            return false;
        }
        int egress = decision.decide(state, segment, source, destination, TTL);
        String routeId = routeLabel();
        if (state.isVpnGatewayPort(port) && !decision.staysInVpc(state, segment, egress, destination)) {
            hops.add(PathHop.block(
                    PathComponent.VPN_GATEWAY,
                    state.port(port).id(),
                    hostId,
                    routeId,
                    "no transit: what comes out of a VPN tunnel reaches only the addresses of the VPC's own subnets,"
                            + " not " + format(destination) + " (" + (routeId == null ? "no route" : routeId)
                            + ": a peering, a NAT gateway, an elastic IP, another tunnel or an appliance)"));
            return false;
        }
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
     * an appliance, a NAT gateway's private side, a VPN gateway) or a remote VTEP.
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
            return intoTunnel(state, hostId, port);
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

    /**
     * A VPN gateway's port: the connection whose on-premises CIDRs hold the destination takes it
     * into its WireGuard tunnel; the reply comes back out of the tunnel into the VPC's router, where
     * no transit lets it reach only the VPC's own addresses, then past the ACLs.
     */
    private boolean intoTunnel(ForwardingState state, String hostId, int port) {
        LocalPort gatewayPort = state.port(port);
        VpnGateway gateway = vpnGateway(state, gatewayPort);
        VpnGateway.Peer peer = peerCovering(state, gatewayPort, destination);
        if (peer == null) {
            noVpnConnection(hostId, gatewayPort, destination);
            return false;
        }
        Ipv4Prefix cidr = cidrCovering(peer, destination);
        hops.add(PathHop.pass(
                PathComponent.VPN_GATEWAY,
                gatewayPort.id(),
                hostId,
                cidr.toString(),
                "VPN gateway " + gatewayPort.name() + " encrypts it into the WireGuard tunnel of VPN connection "
                        + peer.id() + " (UDP " + gateway.listenPort() + " of "
                        + state.host().underlayIp() + ") to "
                        + (peer.endpointIp() == null
                                ? "the customer gateway (its address is learnt from its handshake)"
                                : "customer gateway " + peer.endpointIp())
                        + ": its on-premises CIDR " + cidr + " holds " + format(destination)));
        int segment = state.portSegment(port);
        int back = decision.decide(state, segment, destination, source, TTL);
        if (!decision.staysInVpc(state, segment, back, source)) {
            hops.add(PathHop.block(
                    PathComponent.VPN_GATEWAY,
                    gatewayPort.id(),
                    hostId,
                    null,
                    "no transit: the reply out of the tunnel may reach only the VPC's own subnets, not "
                            + format(source)));
            return false;
        }
        hops.add(PathHop.pass(
                PathComponent.DESTINATION,
                peer.id(),
                hostId,
                null,
                format(destination) + " is on premises, behind VPN connection " + peer.id()
                        + ": the analysis ends at the tunnel (the on-premises network decides the rest)"));
        return replyPasses(state, hostId, port);
    }

    private void noVpnConnection(String hostId, LocalPort gatewayPort, int address) {
        hops.add(PathHop.block(
                PathComponent.VPN_GATEWAY,
                gatewayPort.id(),
                hostId,
                null,
                "no VPN connection of " + gatewayPort.name() + " in host " + hostId
                        + "'s table has an on-premises CIDR holding " + format(address)));
    }

    private static VpnGateway vpnGateway(ForwardingState state, LocalPort gatewayPort) {
        for (VpnGateway gateway : state.vpnGateways()) {
            if (gateway.portId().equals(gatewayPort.id())) {
                return gateway;
            }
        }
        return null;
    }

    /** The VPN connection of the gateway at {@code gatewayPort} whose on-premises CIDRs hold {@code address}, or null. */
    private static VpnGateway.Peer peerCovering(ForwardingState state, LocalPort gatewayPort, int address) {
        VpnGateway gateway = vpnGateway(state, gatewayPort);
        if (gateway == null) {
            return null;
        }
        for (VpnGateway.Peer peer : gateway.peers()) {
            if (cidrCovering(peer, address) != null) {
                return peer;
            }
        }
        return null;
    }

    private static Ipv4Prefix cidrCovering(VpnGateway.Peer peer, int address) {
        for (Ipv4Prefix cidr : peer.allowedIps()) {
            if (cidr.contains(address)) {
                return cidr;
            }
        }
        return null;
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
        if (gateway.egress() != EgressPolicy.ALLOW_ALL
                && !whitelisted(
                        state,
                        hostId,
                        state.natGatewayWhitelist(nat),
                        destination,
                        PathComponent.NAT_GATEWAY,
                        gateway.id(),
                        "NAT gateway " + gateway.id() + "'s egress policy " + gateway.egress() + " lets no new flow to "
                                + format(destination) + " out")) {
            return false;
        }
        hops.add(PathHop.pass(
                PathComponent.NAT_GATEWAY,
                gateway.id(),
                hostId,
                null,
                "NAT gateway " + gateway.id() + ": source " + format(source) + " becomes " + gateway.publicIp()
                        + (flow.isIcmp() ? "" : ", its port one of " + ports(gateway.portMin(), gateway.portMax()))));
        source = gateway.publicIp().bits();
        replyPortFrom = gateway.portMin();
        replyPortTo = gateway.portMax();
        replyPortsName = "NAT gateway " + gateway.id() + "'s ports";
        return toInternet(state, hostId);
    }

    /**
     * Whether whitelist slot {@code whitelist} (or none) has a rule for the flow with {@code peer};
     * when not, the blocking hop says {@code refusal}.
     */
    private boolean whitelisted(
            ForwardingState state,
            String hostId,
            int whitelist,
            int peer,
            PathComponent component,
            String componentId,
            String refusal) {
        int rule = whitelist == ForwardingState.NONE
                ? ForwardingState.NONE
                : state.whitelistMatch(whitelist, flow.protocol(), peer, whitelistPort());
        if (rule != ForwardingState.NONE) {
            return true;
        }
        hops.add(PathHop.block(
                component,
                componentId,
                hostId,
                whitelist == ForwardingState.NONE
                        ? null
                        : state.whitelists().get(whitelist).id(),
                refusal));
        return false;
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
        int whitelist = state.elasticIpWhitelist(eip);
        if (!state.elasticIpAllowsAll(eip)
                && !whitelisted(
                        state,
                        hostId,
                        whitelist,
                        source,
                        PathComponent.ELASTIC_IP_DNAT,
                        publicIp,
                        whitelist == ForwardingState.NONE
                                ? "elastic IP " + publicIp + "'s ingress policy denies new inbound flows"
                                : "no rule of elastic IP " + publicIp + "'s ingress whitelist admits " + flow.describe()
                                        + " from " + format(source))) {
            return false;
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
        if (policy.skips(destination)) {
            return true;
        }
        return groupRule(state, hostId, port, policy, true)
                && acl(state, hostId, policy, true, destination, request(), PathComponent.NETWORK_ACL_OUTBOUND);
    }

    private boolean admitsIn(ForwardingState state, String hostId, int port) {
        PortFilter policy = PortFilter.of(state, port);
        if (policy.skips(source)) {
            return true;
        }
        return acl(state, hostId, policy, false, source, request(), PathComponent.NETWORK_ACL_INBOUND)
                && groupRule(state, hostId, port, policy, false);
    }

    /**
     * The rule of the port's groups that admits the flow out of ({@code egress}) or into the port,
     * as a hop; true without a hop for a port without groups.
     */
    private boolean groupRule(ForwardingState state, String hostId, int port, PortFilter policy, boolean egress) {
        if (policy.groups() == ForwardingState.NONE) {
            return true;
        }
        LocalPort local = state.port(port);
        SecurityPolicyLookup groups = state.securityPolicy();
        int peer = egress ? destination : source;
        int rule = egress
                ? groups.egressRule(policy.groups(), flow.protocol(), peer, flow.destinationPort(), icmpCode())
                : groups.ingressRule(policy.groups(), flow.protocol(), peer, flow.destinationPort(), icmpCode());
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

    /**
     * The reply gets back: groups track the flow (stateful), but ACLs judge every packet, so the
     * destination subnet's outbound ACL and the source subnet's inbound ACL must allow the reply to
     * every port the source may have sent from (after a NAT gateway, to every port it may pick).
     */
    private boolean replyPasses(ForwardingState state, String hostId, int port) {
        PortFilter there = PortFilter.of(state, port);
        if (!there.skips(source)
                && !acl(
                        state,
                        hostId,
                        there,
                        true,
                        source,
                        reply(replyPortFrom, replyPortTo, replyPortsName),
                        PathComponent.REPLY_NETWORK_ACL_OUTBOUND)) {
            return false;
        }
        ForwardingState origin = state(sourceHost);
        PortFilter here = PortFilter.of(origin, sourcePortIndex);
        return here.skips(originalDestination)
                || acl(
                        origin,
                        sourceHost,
                        here,
                        false,
                        originalDestination,
                        reply(flow.sourcePortFrom(), flow.sourcePortTo(), "the source's ephemeral ports"),
                        PathComponent.REPLY_NETWORK_ACL_INBOUND);
    }

    /**
     * What an ACL judges of a packet: its port (or ICMP type) range, and how a hop names it. A
     * request has one destination port; a reply goes to one of the ports its flow's source may use.
     */
    private record AclSubject(int portFrom, int portTo, String name, String portsName) {}

    private AclSubject request() {
        return new AclSubject(flow.destinationPort(), flow.destinationPort(), flow.describe(), null);
    }

    private AclSubject reply(int from, int to, String portsName) {
        if (flow.isIcmp()) {
            return new AclSubject(IcmpType.ECHO_REPLY_VALUE, IcmpType.ECHO_REPLY_VALUE, "the reply (echo reply)", null);
        }
        return new AclSubject(from, to, "the reply to port " + ports(from, to), from == to ? null : portsName);
    }

    /**
     * The hop of the ACL behind {@code filter} for traffic with {@code peer} (true without a hop
     * when the ACL does not guard that peer). A port range is judged port by port with the data
     * plane's own evaluator: it passes only when every port of it is allowed, and a hop that blocks
     * names the ports that fall to a deny and the ports allowed, so that an ACL whose reply entry
     * covers only part of the source's ephemeral range is explained, not guessed.
     */
    private boolean acl(
            ForwardingState state,
            String hostId,
            PortFilter filter,
            boolean egress,
            int peer,
            AclSubject subject,
            PathComponent component) {
        if (!filter.aclFilters(peer)) {
            return true;
        }
        NetworkAclLookup acls = state.networkAcls();
        String aclId = acls.aclId(filter.acl());
        List<int[]> runs = new ArrayList<>(); // {from, to, entry}
        for (int port = subject.portFrom(); port <= subject.portTo(); port++) {
            int entry = acls.evaluate(filter.acl(), egress, flow.protocol(), peer, port, icmpCode());
            int[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[2] == entry) {
                last[1] = port;
            } else {
                runs.add(new int[] {port, port, entry});
            }
        }
        int[] denied =
                runs.stream().filter(run -> !acls.allows(run[2])).findFirst().orElse(null);
        int[] deciding = denied == null ? runs.get(0) : denied;
        String label = label(acls, deciding[2], egress);
        String detail;
        if (subject.portsName() == null) {
            detail = deciding[2] == NetworkAclLookup.FINAL_DENY
                    ? "no entry of network ACL " + aclId + " matches " + subject.name()
                            + ": the final deny (*) drops it"
                    : "entry " + label + " of network ACL " + aclId + (denied == null ? " allows " : " denies ")
                            + subject.name();
        } else {
            detail = describeRuns(acls, runs, egress, aclId, subject);
        }
        hops.add(new PathHop(component, aclId, hostId, label, detail, denied == null));
        return denied == null;
    }

    /** A range's verdict in words: which entry decides which ports, the denied ones first. */
    private static String describeRuns(
            NetworkAclLookup acls, List<int[]> runs, boolean egress, String aclId, AclSubject subject) {
        List<String> allowed = new ArrayList<>();
        List<String> denied = new ArrayList<>();
        for (int[] run : runs) {
            String part = ports(run[0], run[1]) + " by " + label(acls, run[2], egress);
            (acls.allows(run[2]) ? allowed : denied).add(part);
        }
        String range = subject.name() + " (" + subject.portsName() + ")";
        if (denied.isEmpty()) {
            return "network ACL " + aclId + " allows " + range + ": " + String.join(", ", allowed);
        }
        return "network ACL " + aclId + " denies part of " + range + ": ports " + String.join(", ", denied)
                + (allowed.isEmpty() ? "" : "; allowed only " + String.join(", ", allowed))
                + ": a connection from a denied port gets no answer (give sourcePort to analyze one port)";
    }

    private static String label(NetworkAclLookup acls, int entry, boolean egress) {
        return entry == NetworkAclLookup.FINAL_DENY ? (egress ? "egress" : "ingress") + "/*" : acls.entryLabel(entry);
    }

    private int icmpCode() {
        return 0;
    }

    private static String ports(int from, int to) {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }

    private static String format(int address) {
        return Ipv4Address.format(address);
    }
}
