package io.vpclab.dataplane.table;

/**
 * The VPC router's decision for one IPv4 packet that entered a segment addressed to its router,
 * over a {@link ForwardingState} and nothing else: the data plane's L3 stage and the control
 * plane's reachability analyzer both call it, so the analyzer's answer is the wire's. Pure apart
 * from the details of the last decision it keeps ({@link #nextHopMac}, {@link #decidedBy},
 * {@link #prefixLength}): one instance per caller (the pipeline's is loop-confined), no allocation.
 *
 * <p>Order: a gateway address; TTL; the longest of the router's routes and the source subnet's
 * table routes (the table wins at equal length: an appliance or a blackhole); with neither, the
 * source's elastic IP, then the segment's default route (its NAT gateway).
 */
public final class RouteDecision {

    /** The destination is one of the router's gateway addresses. */
    public static final int TO_GATEWAY = -2;
    /** TTL 1 or 0, the packet may not be forwarded. */
    public static final int TTL_EXPIRED = -3;
    /** No VPC route, and the source has an elastic IP held here. */
    public static final int VIA_ELASTIC_IP = -4;
    /** Routed onto the public segment to a public address held here (elastic IP, NAT gateway). */
    public static final int TO_PUBLIC_ADDRESS = -5;
    /** No route, or no MAC for the next hop. */
    public static final int NO_ROUTE = -6;
    /** The source subnet's route table sends the destination to a blackhole. */
    public static final int BLACKHOLE = -7;

    /** {@link #decidedBy}: one of the VPC router's routes (local subnets, peerings, VPN). */
    public static final int BY_ROUTER = 1;
    /** {@link #decidedBy}: a route of the source subnet's route table (appliance or blackhole). */
    public static final int BY_TABLE_ROUTE = 2;
    /** {@link #decidedBy}: the source's elastic IP. */
    public static final int BY_ELASTIC_IP = 3;
    /** {@link #decidedBy}: the segment's default route (to its NAT gateway). */
    public static final int BY_DEFAULT_ROUTE = 4;

    private long nextHopMac;
    private int nextHopIp;
    private int decidedBy;
    private int prefixLength;

    /**
     * The egress segment (0 or more; the next hop's MAC then in {@link #nextHopMac()}), or one of
     * the negative outcomes above, for a packet from {@code source} to {@code destination} with
     * {@code ttl} that entered {@code segment}.
     */
    public int decide(ForwardingState state, int segment, int source, int destination, int ttl) {
        decidedBy = 0;
        prefixLength = -1;
        int router = state.segmentRouter(segment);
        if (state.gatewaySegment(router, destination) != ForwardingState.NONE) {
            return TO_GATEWAY;
        }
        if (ttl <= 1) {
            return TTL_EXPIRED;
        }
        int match = state.routeMatch(router, destination);
        int egress = match == ForwardingState.NONE ? ForwardingState.NONE : state.routeSegmentAt(router, match);
        int nextHop = match == ForwardingState.NONE ? destination : state.routeNextHopAt(router, match, destination);
        int routerLength = match == ForwardingState.NONE ? -1 : state.routeLengthAt(router, match);
        int tableRoute = state.tableRoute(segment, destination);
        if (tableRoute != ForwardingState.NONE
                // the subnet's own table wins over the VPC router at equal prefix length
                && state.tableRouteLength(segment, tableRoute) >= routerLength) {
            decidedBy = BY_TABLE_ROUTE;
            prefixLength = state.tableRouteLength(segment, tableRoute);
            egress = state.tableRouteSegment(segment, tableRoute);
            if (egress == ForwardingState.NONE) {
                return BLACKHOLE;
            }
            nextHop = state.tableRouteNextHop(segment, tableRoute);
        } else if (egress == ForwardingState.NONE) {
            // an elastic IP first: an instance with one never leaves through the NAT gateway
            if (state.elasticIpByPrivate(segment, source) != ForwardingState.NONE) {
                decidedBy = BY_ELASTIC_IP;
                prefixLength = 0;
                return VIA_ELASTIC_IP;
            }
            decidedBy = BY_DEFAULT_ROUTE;
            prefixLength = 0;
            egress = state.defaultRouteSegment(segment);
            nextHop = state.defaultRouteNextHop(segment);
            if (egress == ForwardingState.NONE) {
                return NO_ROUTE;
            }
        } else {
            decidedBy = BY_ROUTER;
            prefixLength = routerLength;
        }
        if (isHeld(state, egress, destination)) {
            return TO_PUBLIC_ADDRESS;
        }
        long mac = state.bindingMac(egress, nextHop);
        if (mac == ForwardingState.NO_MAC) {
            return NO_ROUTE;
        }
        nextHopMac = mac;
        nextHopIp = nextHop;
        return egress;
    }

    /**
     * Whether a packet out of a VPN tunnel that entered {@code segment} may take the last decision
     * ({@code egress}, for {@code destination}): only to an address of one of the VPC's own subnets,
     * delivered there directly (AWS: a VPN reaches its VPC and nothing beyond). Not through a peering
     * (another router's segment), a gateway (a NAT gateway, a VPN tunnel, an appliance), an elastic
     * IP or the public network; the router's own answers (ping to a gateway address, TTL exceeded)
     * stay allowed.
     */
    public boolean staysInVpc(ForwardingState state, int segment, int egress, int destination) {
        if (egress == TO_GATEWAY || egress == TTL_EXPIRED) {
            return true;
        }
        if (egress < 0 || state.segmentRouter(egress) != state.segmentRouter(segment) || nextHopIp != destination) {
            return false;
        }
        int entry = state.macEntry(egress, nextHopMac);
        return entry == ForwardingState.NONE
                || !ForwardingState.isLocalPortEntry(entry)
                || state.natGatewayOfPort(ForwardingState.entryIndex(entry)) == ForwardingState.NONE;
    }

    /** Whether {@code destination} on {@code segment} is an elastic IP or NAT gateway address held here. */
    public static boolean isHeld(ForwardingState state, int segment, int destination) {
        return segment == state.publicSegment()
                && (state.elasticIpByPublic(destination) != ForwardingState.NONE
                        || state.natGatewayByPublic(destination) != ForwardingState.NONE);
    }

    /** The next hop's MAC of the last {@link #decide} that returned an egress segment. */
    public long nextHopMac() {
        return nextHopMac;
    }

    /** The next hop's address of that decision: the destination itself on a route without a gateway. */
    public int nextHopIp() {
        return nextHopIp;
    }

    /** Which kind of route took the last decision ({@code BY_*}), or 0 when none did. */
    public int decidedBy() {
        return decidedBy;
    }

    /** The prefix length of the route that took the last decision (0 for the default ones), or -1. */
    public int prefixLength() {
        return prefixLength;
    }
}
