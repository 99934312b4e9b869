package io.vpclab.dataplane.table;

import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything one VTEP needs to forward, as one immutable snapshot (one generation of the
 * contract's {@code ForwardingTable}). The data plane swaps whole snapshots through a volatile
 * reference, so readers never lock and never see half a table.
 *
 * <p>Entities are numbered at build time (vtep, segment, port and router indexes) and the
 * lookup methods below take and return those indexes, or {@link #NONE}; none of them allocates.
 */
public final class ForwardingState {

    /** Returned by index lookups that find nothing. */
    public static final int NONE = -1;

    /** Returned by {@link #bindingMac} when the segment holds no binding for the address. */
    public static final long NO_MAC = -1L;

    private final long generation;
    private final TableHost host;
    private final List<RemoteVtep> vteps;
    private final List<Segment> segments;
    private final List<LocalPort> ports;
    private final List<MacEntry> macs;
    private final List<IpBinding> bindings;
    private final List<Router> routers;
    private final Vni publicVni;
    private final List<ElasticIp> elasticIps;
    private final List<DefaultRoute> defaultRoutes;
    private final List<TableRoute> tableRoutes;
    private final List<NatGateway> natGateways;
    private final List<Whitelist> whitelists;
    private final List<VpnGateway> vpnGateways;

    private final InetSocketAddress[] vtepAddresses;
    private final LongIntMap vtepByIp;
    private final int[] vtepIps;
    /** By the first VTEP of each underlay IP: whether the table places any MAC behind that IP. */
    private final boolean[] vtepHoldsMacs;

    private final LongIntMap routerByMac;
    private final LongIntMap segmentByVni;
    private final Map<String, Integer> portById;
    private final int[] portSegment;
    /** By local port: whether it is a VPN gateway's side in its VPC (traffic out of a tunnel). */
    private final boolean[] vpnGatewayPort;

    private final SegmentLookup[] segmentLookups;
    private final int[] segmentVnis; // by segment index: read for every frame that leaves
    private final RouterLookup[] routerLookups;
    /** The provider network: public segment, elastic IPs, NAT gateways, default routes toward them. */
    private final ProviderLookup provider;
    /** Per source segment, its route table's routes to appliances and blackholes. */
    private final TableRouteLookup tableRouteLookup;

    private final Map<String, Integer> whitelistById;
    private final WhitelistLookup[] whitelistLookups;
    /** Security groups of the local ports, with the members of the groups their rules name. */
    private final SecurityPolicyLookup securityPolicy;
    /** Network ACLs of the local ports' segments, by VNI. */
    private final NetworkAclLookup networkAcls;
    /** Ports a flow log covers: only their flows are counted per packet. */
    private final Set<String> flowLoggedPorts;

    private ForwardingState(Builder b) {
        this.generation = b.generation;
        this.host = b.host;
        this.vteps = List.copyOf(b.vteps);
        this.segments = List.copyOf(b.segments);
        this.ports = List.copyOf(b.ports);
        this.macs = List.copyOf(b.macs);
        this.bindings = List.copyOf(b.bindings);
        this.routers = List.copyOf(b.routers);
        this.publicVni = b.publicVni;
        this.elasticIps = List.copyOf(b.elasticIps);
        this.defaultRoutes = List.copyOf(b.defaultRoutes);
        this.tableRoutes = List.copyOf(b.tableRoutes);
        this.natGateways = List.copyOf(b.natGateways);
        this.whitelists = List.copyOf(b.whitelists);
        this.vpnGateways = List.copyOf(b.vpnGateways);

        Map<String, Integer> vtepById = indexById(vteps, RemoteVtep::id);
        LongIntMap.Builder vtepIpIndex = new LongIntMap.Builder();
        vtepAddresses = new InetSocketAddress[vteps.size()];
        vtepIps = new int[vteps.size()];
        for (int i = 0; i < vteps.size(); i++) {
            RemoteVtep vtep = vteps.get(i);
            // Agents on one machine share an IP and differ by port; accepting VXLAN needs the IP only
            // (the source port is a flow hash), so the first VTEP of each IP stands for it (put keeps the first).
            vtepIpIndex.put(vtep.ip().bits() & 0xFFFF_FFFFL, i);
            vtepAddresses[i] = new InetSocketAddress(vtep.ip().toInetAddress(), vtep.udpPort());
            vtepIps[i] = vtep.ip().bits();
        }
        vtepByIp = vtepIpIndex.build();

        Map<String, Integer> routerById = indexById(routers, Router::id);
        LongIntMap.Builder routerMacs = new LongIntMap.Builder();
        for (int i = 0; i < routers.size(); i++) {
            routerMacs.put(routers.get(i).mac().bits(), i);
        }
        routerByMac = routerMacs.build();

        LongIntMap.Builder vnis = new LongIntMap.Builder();
        SegmentLookup.Builder[] segmentBuilders = new SegmentLookup.Builder[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            vnis.put(segment.vni().value(), i);
            int router = segment.routerId() == null
                    ? NONE
                    : resolved(
                            routerById.get(segment.routerId()),
                            "segment " + segment.vni() + ": router " + segment.routerId());
            int[] flood = segment.floodList().stream()
                    .mapToInt(id -> resolved(vtepById.get(id), "segment " + segment.vni() + ": floodList vtep " + id))
                    .toArray();
            segmentBuilders[i] = new SegmentLookup.Builder(segment, router, flood);
        }
        segmentByVni = vnis.build();

        portById = indexById(ports, LocalPort::id);
        portSegment = new int[ports.size()];
        vpnGatewayPort = new boolean[ports.size()];
        for (int i = 0; i < ports.size(); i++) {
            LocalPort port = ports.get(i);
            vpnGatewayPort[i] = port.kind() == PortKind.VPN_GATEWAY;
            portSegment[i] = segmentOf(port.vni(), "port " + port.id());
            SegmentLookup.Builder sb = segmentBuilders[portSegment[i]];
            sb.macs.put(port.mac().bits(), SegmentLookup.localPortEntry(i));
            sb.localPort(i);
        }

        vtepHoldsMacs = new boolean[vteps.size()];
        for (MacEntry entry : macs) {
            String what = "mac " + entry.mac() + " on vni " + entry.vni();
            int vtep = resolved(vtepById.get(entry.vtepId()), what + ": vtep " + entry.vtepId());
            segmentBuilders[segmentOf(entry.vni(), what)].remoteMac(entry.mac().bits(), vtep);
            vtepHoldsMacs[vtepIndexOf(vtepIps[vtep])] = true;
        }
        for (IpBinding binding : bindings) {
            segmentBuilders[segmentOf(binding.vni(), "binding " + binding.ipAddress())].bind(
                    binding.ipAddress().bits(), binding.mac().bits());
        }
        // A local port's own address answers ARP even when the table lists no explicit binding for it.
        for (int i = 0; i < ports.size(); i++) {
            LocalPort port = ports.get(i);
            if (port.ipAddress() != null) {
                segmentBuilders[portSegment[i]].bind(
                        port.ipAddress().bits(), port.mac().bits());
            }
        }
        segmentLookups = new SegmentLookup[segments.size()];
        segmentVnis = segments.stream().mapToInt(s -> s.vni().value()).toArray();
        for (int i = 0; i < segmentBuilders.length; i++) {
            segmentLookups[i] = segmentBuilders[i].build();
        }

        routerLookups = new RouterLookup[routers.size()];
        for (int i = 0; i < routers.size(); i++) {
            List<int[]> gateways = new ArrayList<>();
            for (int s = 0; s < segments.size(); s++) {
                if (segmentLookups[s].router() == i && segments.get(s).gatewayIp() != null) {
                    gateways.add(new int[] {segments.get(s).gatewayIp().bits(), s});
                }
            }
            Router router = routers.get(i);
            routerLookups[i] = RouterLookup.build(
                    router,
                    gateways,
                    vni -> resolved(segmentByVni.get(vni), "router " + router.id() + ": route vni " + vni));
        }

        whitelistById = indexById(whitelists, Whitelist::id);
        whitelistLookups = whitelists.stream().map(WhitelistLookup::new).toArray(WhitelistLookup[]::new);
        securityPolicy = b.securityPolicy;
        networkAcls = b.networkAcls;
        flowLoggedPorts = Set.copyOf(b.flowLoggedPorts);
        // last: the provider lookup reads the segment, port and whitelist indexes built above
        provider = new ProviderLookup(this);
        tableRouteLookup = new TableRouteLookup(this, tableRoutes);
    }

    /** The security groups this table enforces on its local ports. */
    public SecurityPolicyLookup securityPolicy() {
        return securityPolicy;
    }

    /** The network ACLs this table enforces on its segments' local ports. */
    public NetworkAclLookup networkAcls() {
        return networkAcls;
    }

    /**
     * Whether local port {@code port} is an appliance: the next hop of a route of some subnet's
     * route table (every host of a VPC holds all its segments and their routes). Its instance
     * forwards other instances' packets, so it may send from their addresses (AWS: the
     * source/destination check is off).
     */
    public boolean isAppliance(int port) {
        LocalPort local = ports.get(port);
        if (local.ipAddress() == null) {
            return false;
        }
        for (TableRoute route : tableRoutes) {
            if (!route.isBlackhole()
                    && route.nextHop().equals(local.ipAddress())
                    && route.via().equals(local.vni())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a flow log covers local port {@code port}, so its flows' packets and bytes are counted. */
    public boolean flowLogged(int port) {
        return flowLoggedPorts.contains(ports.get(port).id());
    }

    /**
     * The index of a reference. Tables are checked whole before they are built (the agent's
     * {@code TableValidator} answers every problem with its JSON pointer), so a miss here means
     * unchecked input: it is refused rather than left to fail on the hot path.
     */
    static int resolved(Integer index, String what) {
        if (index == null || index == NONE) {
            throw new IllegalArgumentException(what + " is not in this table (build only validated tables)");
        }
        return index;
    }

    int segmentOf(Vni vni, String what) {
        return resolved(segmentByVni.get(vni.value()), what + ": vni " + vni);
    }

    private static <T> Map<String, Integer> indexById(List<T> entries, Function<T, String> id) {
        Map<String, Integer> byId = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            byId.putIfAbsent(id.apply(entries.get(i)), i);
        }
        return byId;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A table with only the host: every frame and datagram is dropped with a reason. */
    public static ForwardingState empty(TableHost host) {
        return builder().host(host).build();
    }

    public long generation() {
        return generation;
    }

    public TableHost host() {
        return host;
    }

    public List<RemoteVtep> vteps() {
        return vteps;
    }

    public List<Segment> segments() {
        return segments;
    }

    public List<LocalPort> ports() {
        return ports;
    }

    public List<MacEntry> macs() {
        return macs;
    }

    public List<IpBinding> bindings() {
        return bindings;
    }

    public List<Router> routers() {
        return routers;
    }

    /** Largest inner Ethernet frame (without FCS) that fits the underlay MTU unfragmented. */
    public int maxInnerFrameLength() {
        return host.underlayMtu() - Vxlan.OVERHEAD + 14;
    }

    // ---- hot-path lookups by index ------------------------------------------------------

    /** The vtep whose underlay address is {@code ip}, or {@link #NONE}. */
    public int vtepIndexOf(int ip) {
        return vtepByIp.get(ip & 0xFFFF_FFFFL);
    }

    public InetSocketAddress vtepAddress(int vtep) {
        return vtepAddresses[vtep];
    }

    /**
     * Whether the VTEP {@code vtep} (as {@link #vtepIndexOf} finds it: the first VTEP of its
     * underlay IP, which stands for every agent on that IP) may send a frame from {@code mac} on
     * {@code segment}: a MAC the table places behind that IP on the segment, or a router's MAC
     * (routers run on every host, so a routed frame carries its router's MAC from anywhere).
     * Group and all-zero MACs never. A VTEP IP the table places no MAC behind at all (a flood-only
     * peer, e.g. a Linux vxlan device that learns its MACs) is checked no further, nor is a
     * segment's learning peer (whatever other segments place behind its IP).
     */
    public boolean maySendFrom(int vtep, int segment, long mac) {
        if (mac == 0 || MacAddress.isMulticast(mac)) {
            return false;
        }
        if (!vtepHoldsMacs[vtep]) {
            return true;
        }
        SegmentLookup lookup = segmentLookups[segment];
        if (lookup.learningPeer()) { // any MAC may sit behind it
            return vtepIps[lookup.floodVtep(0)] == vtepIps[vtep] || routerByMac.get(mac) != NONE;
        }
        // an instance's MAC first: most frames come from one, and a router's MAC costs a second lookup
        int entry = lookup.macEntry(mac);
        return (entry != NONE
                        && !SegmentLookup.isLocalPort(entry)
                        && vtepIps[SegmentLookup.index(entry)] == vtepIps[vtep])
                || routerByMac.get(mac) != NONE;
    }

    public int segmentIndexOf(int vni) {
        return segmentByVni.get(vni);
    }

    public int segmentCount() {
        return segmentLookups.length;
    }

    public int segmentVni(int segment) {
        return segmentVnis[segment];
    }

    /** The port with this id, or {@link #NONE}. Not for the hot path (it hashes a String). */
    public int portIndexOf(String portId) {
        Integer index = portById.get(portId);
        return index == null ? NONE : index;
    }

    public int portCount() {
        return portSegment.length;
    }

    public LocalPort port(int port) {
        return ports.get(port);
    }

    public int portSegment(int port) {
        return portSegment[port];
    }

    /** MAC table entry of {@code mac} on the segment: see {@link SegmentLookup#macEntry}. */
    public int macEntry(int segment, long mac) {
        return segmentLookups[segment].macEntry(mac);
    }

    public static boolean isLocalPortEntry(int entry) {
        return SegmentLookup.isLocalPort(entry);
    }

    /** The port or vtep index inside a {@link #macEntry} result. */
    public static int entryIndex(int entry) {
        return SegmentLookup.index(entry);
    }

    public long bindingMac(int segment, int ip) {
        return segmentLookups[segment].bindingMac(ip);
    }

    /** Whether ARP requests on the segment are answered by the agent (true) or flooded (false). */
    public boolean arpSuppression(int segment) {
        return segmentLookups[segment].arpSuppression();
    }

    public int floodCount(int segment) {
        return segmentLookups[segment].floodCount();
    }

    public int floodVtep(int segment, int i) {
        return segmentLookups[segment].floodVtep(i);
    }

    /**
     * The segment's learning peer ({@link Segment#learningPeer}, declared in the table: the
     * point-to-point mode's remote, a Linux vxlan device) as seen from local port {@code port}, or
     * {@link #NONE}: unknown unicast from the port goes to it, as a Linux vxlan device with one
     * all-zeros fdb entry sends it. Without a learning peer unknown unicast is dropped: the control
     * plane knows every MAC of its peers. {@code port} is the segment's one local port, or
     * {@link #NONE} when the caller has none in hand.
     */
    /** Whether {@code segment} leads to a learning peer (see {@link #learningPeer}). */
    public boolean hasLearningPeer(int segment) {
        return segmentLookups[segment].learningPeer();
    }

    public int learningPeer(int segment, int port) {
        SegmentLookup lookup = segmentLookups[segment];
        if (!lookup.learningPeer()) {
            return NONE;
        }
        return lookup.localPortCount() == 0 || lookup.localPort(0) == port ? lookup.floodVtep(0) : NONE;
    }

    public int localPortCount(int segment) {
        return segmentLookups[segment].localPortCount();
    }

    public int localPort(int segment, int i) {
        return segmentLookups[segment].localPort(i);
    }

    /** The router of the segment, or {@link #NONE} when it is not routed. */
    public int segmentRouter(int segment) {
        return segmentLookups[segment].router();
    }

    /** The gateway address of the segment (0 when it has none). */
    public int segmentGateway(int segment) {
        Ipv4Address gateway = segments.get(segment).gatewayIp();
        return gateway == null ? 0 : gateway.bits();
    }

    public long routerMac(int router) {
        return routerLookups[router].mac();
    }

    /** Longest-prefix match on the router's routes: the egress segment, or {@link #NONE}. */
    public int route(int router, int destination) {
        return routerLookups[router].lookup(destination);
    }

    /**
     * The router's route for {@code destination} (longest prefix), for {@link #routeSegmentAt},
     * {@link #routeNextHopAt} and {@link #routeLengthAt}: one scan for all three; or {@link #NONE}.
     */
    public int routeMatch(int router, int destination) {
        return routerLookups[router].match(destination);
    }

    public int routeSegmentAt(int router, int match) {
        return routerLookups[router].segmentAt(match);
    }

    /** Where route {@code match} sends {@code destination}: the route's next hop, or the destination itself. */
    public int routeNextHopAt(int router, int match, int destination) {
        return routerLookups[router].nextHopAt(match, destination);
    }

    /** The prefix length of route {@code match}. */
    public int routeLengthAt(int router, int match) {
        return routerLookups[router].lengthAt(match);
    }

    /** Where {@link #route} sends {@code destination}: the route's next hop, or the destination itself. */
    public int routeNextHop(int router, int destination) {
        int match = routeMatch(router, destination);
        return match == NONE ? destination : routeNextHopAt(router, match, destination);
    }

    /** Whether local port {@code port} is a VPN gateway's (its frames come out of a tunnel). */
    public boolean isVpnGatewayPort(int port) {
        return port >= 0 && port < vpnGatewayPort.length && vpnGatewayPort[port];
    }

    /** The VPN gateways served here; each one's side in its VPC is a local port of kind vpn-gateway. */
    public List<VpnGateway> vpnGateways() {
        return vpnGateways;
    }

    public List<TableRoute> tableRoutes() {
        return tableRoutes;
    }

    /** The longest table route of source {@code segment} matching {@code destination}, or {@link #NONE}. */
    public int tableRoute(int segment, int destination) {
        return tableRouteLookup.lookup(segment, destination);
    }

    public int tableRouteLength(int segment, int route) {
        return tableRouteLookup.length(segment, route);
    }

    /** The egress segment of a table route, or {@link #NONE} when it is a blackhole. */
    public int tableRouteSegment(int segment, int route) {
        return tableRouteLookup.via(segment, route);
    }

    /** The next hop (an appliance's address) of a table route that is not a blackhole. */
    public int tableRouteNextHop(int segment, int route) {
        return tableRouteLookup.nextHop(segment, route);
    }

    /** The segment whose gateway address is {@code ip} on this router, or {@link #NONE}. */
    public int gatewaySegment(int router, int ip) {
        return routerLookups[router].gatewaySegment(ip);
    }

    public Vni publicVni() {
        return publicVni;
    }

    public List<ElasticIp> elasticIps() {
        return elasticIps;
    }

    /** The provider network's segment (internet hosts, elastic IPs), or {@link #NONE}. */
    public int publicSegment() {
        return provider.publicSegment();
    }

    /** The elastic IP held here for public address {@code ip}, or {@link #NONE}. */
    public int elasticIpByPublic(int ip) {
        return provider.elasticIpByPublic(ip);
    }

    /** The elastic IP of the instance with {@code ip} on {@code segment}, or {@link #NONE}. */
    public int elasticIpByPrivate(int segment, int ip) {
        return provider.elasticIpByPrivate(segment, ip);
    }

    public int elasticIpSegment(int eip) {
        return provider.elasticIpSegment(eip);
    }

    public int elasticIpPrivate(int eip) {
        return provider.elasticIpPrivate(eip);
    }

    public boolean elasticIpAllowsAll(int eip) {
        return provider.elasticIpAllowsAll(eip);
    }

    public List<DefaultRoute> defaultRoutes() {
        return defaultRoutes;
    }

    /** The segment a packet routed from {@code segment} leaves on when no route matches, or {@link #NONE}. */
    public int defaultRouteSegment(int segment) {
        return provider.defaultRouteSegment(segment);
    }

    /** The next-hop address of {@code segment}'s default route (valid when {@link #defaultRouteSegment} is not NONE). */
    public int defaultRouteNextHop(int segment) {
        return provider.defaultRouteNextHop(segment);
    }

    public List<NatGateway> natGateways() {
        return natGateways;
    }

    /** The NAT gateway whose private side is local port {@code port}, or {@link #NONE}. */
    public int natGatewayOfPort(int port) {
        return provider.natGatewayOfPort(port);
    }

    /** The local port of NAT gateway {@code nat}. */
    public int natGatewayPort(int nat) {
        return provider.natGatewayPort(nat);
    }

    /** The egress whitelist of NAT gateway {@code nat}, or {@link #NONE} unless its policy is WHITELIST with one. */
    public int natGatewayWhitelist(int nat) {
        return provider.natGatewayWhitelist(nat);
    }

    /** The NAT gateway served here whose public address is {@code ip}, or {@link #NONE}. */
    public int natGatewayByPublic(int ip) {
        return provider.natGatewayByPublic(ip);
    }

    /** The elastic IP's ingress whitelist, or {@link #NONE} unless its policy is WHITELIST. */
    public int elasticIpWhitelist(int eip) {
        return provider.elasticIpWhitelist(eip);
    }

    public List<Whitelist> whitelists() {
        return whitelists;
    }

    public int whitelistCount() {
        return whitelistLookups.length;
    }

    /** The whitelist with this id, or {@link #NONE}. Not for the hot path (it hashes a String). */
    public int whitelistIndexOf(String whitelistId) {
        Integer index = whitelistById.get(whitelistId);
        return index == null ? NONE : index;
    }

    /**
     * The first rule of {@code whitelist} admitting a new flow of {@code protocol} with
     * {@code remoteIp} and destination {@code port}, or {@link #NONE}.
     */
    public int whitelistMatch(int whitelist, int protocol, int remoteIp, int port) {
        return whitelistLookups[whitelist].match(protocol, remoteIp, port);
    }

    @Override
    public String toString() {
        return "ForwardingState{generation=" + generation + ", vteps=" + vteps.size() + ", segments=" + segments.size()
                + ", ports=" + ports.size() + ", macs=" + macs.size() + ", bindings=" + bindings.size()
                + ", routers=" + routers.size() + "}";
    }

    /**
     * Collects one table's entries; {@link #build()} compiles them into a snapshot. The entries
     * are expected to have passed the agent's {@code TableValidator}; a reference that does not
     * resolve is refused with an {@link IllegalArgumentException} naming the entry.
     */
    public static final class Builder {
        private long generation;
        private TableHost host;
        private final List<RemoteVtep> vteps = new ArrayList<>();
        private final List<Segment> segments = new ArrayList<>();
        private final List<LocalPort> ports = new ArrayList<>();
        private final List<MacEntry> macs = new ArrayList<>();
        private final List<IpBinding> bindings = new ArrayList<>();
        private final List<Router> routers = new ArrayList<>();
        private final List<ElasticIp> elasticIps = new ArrayList<>();
        private final List<DefaultRoute> defaultRoutes = new ArrayList<>();
        private final List<TableRoute> tableRoutes = new ArrayList<>();
        private final List<NatGateway> natGateways = new ArrayList<>();
        private final List<Whitelist> whitelists = new ArrayList<>();
        private final List<VpnGateway> vpnGateways = new ArrayList<>();
        private Vni publicVni;
        private SecurityPolicyLookup securityPolicy = SecurityPolicyLookup.EMPTY;
        private NetworkAclLookup networkAcls = NetworkAclLookup.EMPTY;
        private final Set<String> flowLoggedPorts = new HashSet<>();

        private Builder() {}

        public Builder generation(long generation) {
            if (generation < 0) {
                throw new IllegalArgumentException("generation must be >= 0: " + generation);
            }
            this.generation = generation;
            return this;
        }

        public Builder host(TableHost host) {
            this.host = host;
            return this;
        }

        public Builder vtep(RemoteVtep vtep) {
            vteps.add(require(vtep, "vtep"));
            return this;
        }

        public Builder segment(Segment segment) {
            segments.add(require(segment, "segment"));
            return this;
        }

        public Builder port(LocalPort port) {
            ports.add(require(port, "port"));
            return this;
        }

        public Builder mac(MacEntry mac) {
            macs.add(require(mac, "mac"));
            return this;
        }

        public Builder binding(IpBinding binding) {
            bindings.add(require(binding, "binding"));
            return this;
        }

        public Builder router(Router router) {
            routers.add(require(router, "router"));
            return this;
        }

        /** The provider network's segment; must be a routed segment of the table. */
        public Builder publicVni(Vni vni) {
            this.publicVni = vni;
            return this;
        }

        public Builder elasticIp(ElasticIp elasticIp) {
            elasticIps.add(require(elasticIp, "elasticIp"));
            return this;
        }

        /** Where packets routed from a segment go when its router has no route (a NAT gateway). */
        public Builder defaultRoute(DefaultRoute route) {
            defaultRoutes.add(require(route, "defaultRoute"));
            return this;
        }

        /** A VPN gateway served here; its side in the VPC is a local port of kind vpn-gateway. */
        public Builder vpnGateway(VpnGateway vpnGateway) {
            vpnGateways.add(require(vpnGateway, "vpnGateway"));
            return this;
        }

        /** A source segment's route to an appliance, or its blackhole. */
        public Builder tableRoute(TableRoute route) {
            tableRoutes.add(require(route, "tableRoute"));
            return this;
        }

        /** A NAT gateway served here; its private side is a local port of kind nat-gateway. */
        public Builder natGateway(NatGateway natGateway) {
            natGateways.add(require(natGateway, "natGateway"));
            return this;
        }

        /** A whitelist elastic IPs (and NAT gateways) of this table refer to by id. */
        public Builder whitelist(Whitelist whitelist) {
            whitelists.add(require(whitelist, "whitelist"));
            return this;
        }

        /** The table's security groups, members and ports' groups, already indexed. */
        public Builder securityPolicy(SecurityPolicyLookup securityPolicy) {
            this.securityPolicy = require(securityPolicy, "securityPolicy");
            return this;
        }

        /** The table's network ACLs and each segment's ACL, already indexed. */
        public Builder networkAcls(NetworkAclLookup networkAcls) {
            this.networkAcls = require(networkAcls, "networkAcls");
            return this;
        }

        /** A port a flow log covers (its flows are counted per packet for the flow log's records). */
        public Builder flowLogged(String portId) {
            flowLoggedPorts.add(require(portId, "flowLogged"));
            return this;
        }

        public ForwardingState build() {
            if (host == null) {
                throw new IllegalArgumentException("host is required");
            }
            return new ForwardingState(this);
        }

        private static <T> T require(T entry, String what) {
            if (entry == null) {
                throw new IllegalArgumentException(what + " entry is null");
            }
            return entry;
        }
    }
}
