package io.vpclab.dataplane.table;

import io.vpclab.dataplane.net.Ipv4Address;
import io.vpclab.dataplane.net.MacAddress;
import io.vpclab.dataplane.net.Vni;
import io.vpclab.dataplane.packet.Vxlan;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    private final List<NatGateway> natGateways;
    private final List<Whitelist> whitelists;

    private final InetSocketAddress[] vtepAddresses;
    private final LongIntMap vtepByIp;
    private final int[] vtepIps;
    /** By the first VTEP of each underlay IP: whether the table places any MAC behind that IP. */
    private final boolean[] vtepHoldsMacs;
    private final LongIntMap routerByMac;
    private final LongIntMap segmentByVni;
    private final Map<String, Integer> portById;
    private final int[] portSegment;
    private final SegmentLookup[] segmentLookups;
    private final RouterLookup[] routerLookups;
    private final int publicSegment;
    private final LongIntMap elasticIpByPublic;
    private final LongIntMap elasticIpByPrivate;
    private final int[] elasticIpSegment;
    private final int[] elasticIpPrivate;
    private final boolean[] elasticIpAllowsAll;
    private final int[] defaultRouteVia;
    private final int[] defaultRouteNextHop;
    private final int[] natGatewayOfPort;
    private final int[] natGatewayPort;
    private final int[] natGatewayWhitelist;
    private final LongIntMap natGatewayByPublic;
    private final int[] elasticIpWhitelist;
    private final Map<String, Integer> whitelistById;
    private final WhitelistLookup[] whitelistLookups;

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
        this.natGateways = List.copyOf(b.natGateways);
        this.whitelists = List.copyOf(b.whitelists);

        Map<String, Integer> vtepById = new HashMap<>();
        LongIntMap.Builder vtepIpIndex = new LongIntMap.Builder();
        vtepAddresses = new InetSocketAddress[vteps.size()];
        vtepIps = new int[vteps.size()];
        for (int i = 0; i < vteps.size(); i++) {
            RemoteVtep vtep = vteps.get(i);
            if (vtepById.putIfAbsent(vtep.id(), i) != null) {
                throw new IllegalArgumentException("vtep " + vtep.id() + ": duplicate id");
            }
            if (vtep.ip().equals(host.underlayIp()) && vtep.udpPort() == host.udpPort()) {
                throw new IllegalArgumentException("vtep " + vtep.id() + ": " + vtep.ip() + ":" + vtep.udpPort()
                        + " is this host's own underlay endpoint");
            }
            InetSocketAddress address = new InetSocketAddress(vtep.ip().toInetAddress(), vtep.udpPort());
            for (int j = 0; j < i; j++) {
                if (vtepAddresses[j].equals(address)) {
                    throw new IllegalArgumentException("vtep " + vtep.id() + ": " + vtep.ip() + ":" + vtep.udpPort()
                            + " is already used by vtep " + vteps.get(j).id());
                }
            }
            // Agents on one machine share an IP and differ by port; accepting VXLAN needs the IP only
            // (the source port is a flow hash), so the first VTEP of each IP stands for it.
            vtepIpIndex.put(vtep.ip().bits() & 0xFFFF_FFFFL, i);
            vtepAddresses[i] = address;
            vtepIps[i] = vtep.ip().bits();
        }
        vtepByIp = vtepIpIndex.build();

        Map<String, Integer> routerById = new HashMap<>();
        LongIntMap.Builder routerMacs = new LongIntMap.Builder();
        for (int i = 0; i < routers.size(); i++) {
            if (routerById.putIfAbsent(routers.get(i).id(), i) != null) {
                throw new IllegalArgumentException("router " + routers.get(i).id() + ": duplicate id");
            }
            routerMacs.put(routers.get(i).mac().bits(), i);
        }
        routerByMac = routerMacs.build();

        LongIntMap.Builder vnis = new LongIntMap.Builder();
        SegmentLookup.Builder[] segmentBuilders = new SegmentLookup.Builder[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (!vnis.put(segment.vni().value(), i)) {
                throw new IllegalArgumentException("segment " + segment.vni() + ": duplicate vni");
            }
            int router = NONE;
            if (segment.routerId() != null) {
                Integer found = routerById.get(segment.routerId());
                if (found == null) {
                    throw new IllegalArgumentException("segment " + segment.vni() + ": unknown router " + segment.routerId());
                }
                router = found;
            }
            int[] flood = new int[segment.floodList().size()];
            for (int f = 0; f < flood.length; f++) {
                String vtepId = segment.floodList().get(f);
                Integer vtep = vtepById.get(vtepId);
                if (vtep == null) {
                    throw new IllegalArgumentException("segment " + segment.vni() + ": floodList names unknown vtep " + vtepId);
                }
                flood[f] = vtep;
            }
            if (Arrays.stream(flood).distinct().count() != flood.length) {
                throw new IllegalArgumentException("segment " + segment.vni() + ": floodList repeats a vtep");
            }
            segmentBuilders[i] = new SegmentLookup.Builder(segment, router, flood);
        }
        segmentByVni = vnis.build();

        portById = new HashMap<>();
        portSegment = new int[ports.size()];
        for (int i = 0; i < ports.size(); i++) {
            LocalPort port = ports.get(i);
            if (portById.putIfAbsent(port.id(), i) != null) {
                throw new IllegalArgumentException("port " + port.id() + ": duplicate id");
            }
            int segment = segmentByVni.get(port.vni().value());
            if (segment == NONE) {
                throw new IllegalArgumentException("port " + port.id() + ": vni " + port.vni() + " is not a segment of this table");
            }
            portSegment[i] = segment;
            SegmentLookup.Builder sb = segmentBuilders[segment];
            if (!sb.macs.put(port.mac().bits(), SegmentLookup.localPortEntry(i))) {
                throw new IllegalArgumentException("port " + port.id() + ": mac " + port.mac() + " is already used on vni " + port.vni());
            }
            sb.localPorts.add(i);
        }

        vtepHoldsMacs = new boolean[vteps.size()];
        for (MacEntry entry : macs) {
            int segment = segmentByVni.get(entry.vni().value());
            if (segment == NONE) {
                throw new IllegalArgumentException("mac " + entry.mac() + ": vni " + entry.vni() + " is not a segment of this table");
            }
            Integer vtep = vtepById.get(entry.vtepId());
            if (vtep == null) {
                throw new IllegalArgumentException("mac " + entry.mac() + " on vni " + entry.vni() + ": unknown vtep " + entry.vtepId());
            }
            if (!segmentBuilders[segment].macs.put(entry.mac().bits(), SegmentLookup.remoteVtepEntry(vtep))) {
                throw new IllegalArgumentException("mac " + entry.mac() + " on vni " + entry.vni() + ": duplicate entry");
            }
            vtepHoldsMacs[vtepIndexOf(vtepIps[vtep])] = true;
        }

        for (IpBinding binding : bindings) {
            int segment = segmentByVni.get(binding.vni().value());
            if (segment == NONE) {
                throw new IllegalArgumentException("binding " + binding.ipAddress() + ": vni " + binding.vni() + " is not a segment of this table");
            }
            Segment config = segments.get(segment);
            if (config.cidrBlock() != null && !config.cidrBlock().contains(binding.ipAddress())) {
                throw new IllegalArgumentException("binding " + binding.ipAddress() + " on vni " + binding.vni() + ": outside " + config.cidrBlock());
            }
            if (!segmentBuilders[segment].bind(binding.ipAddress().bits(), binding.mac().bits())) {
                throw new IllegalArgumentException("binding " + binding.ipAddress() + " on vni " + binding.vni() + ": duplicate entry");
            }
        }
        // A local port's own address answers ARP even when the table lists no explicit binding for it.
        for (int i = 0; i < ports.size(); i++) {
            LocalPort port = ports.get(i);
            if (port.ipAddress() == null) {
                continue;
            }
            SegmentLookup.Builder sb = segmentBuilders[portSegment[i]];
            long listed = sb.bindingMac(port.ipAddress().bits());
            if (listed == NO_MAC) {
                sb.bind(port.ipAddress().bits(), port.mac().bits());
            } else if (listed != port.mac().bits()) {
                throw new IllegalArgumentException("port " + port.id() + ": ip " + port.ipAddress() + " is bound to "
                    + MacAddress.format(listed) + ", not to the port's mac " + port.mac());
            }
        }

        segmentLookups = new SegmentLookup[segments.size()];
        for (int i = 0; i < segmentBuilders.length; i++) {
            segmentLookups[i] = segmentBuilders[i].build();
        }

        routerLookups = new RouterLookup[routers.size()];
        for (int i = 0; i < routers.size(); i++) {
            Router router = routers.get(i);
            List<int[]> gateways = new ArrayList<>();
            for (int s = 0; s < segments.size(); s++) {
                if (segmentLookups[s].router() == i && segments.get(s).gatewayIp() != null) {
                    gateways.add(new int[] {segments.get(s).gatewayIp().bits(), s});
                }
            }
            routerLookups[i] = RouterLookup.build(router, gateways, vni -> segmentByVni.get(vni));
        }

        publicSegment = publicVni == null ? NONE : segmentByVni.get(publicVni.value());
        if (publicVni != null && (publicSegment == NONE || segmentLookups[publicSegment].router() == NONE)) {
            throw new IllegalArgumentException("publicVni " + publicVni + " is not a routed segment of this table");
        }
        if (!elasticIps.isEmpty() && publicSegment == NONE) {
            throw new IllegalArgumentException("elasticIps need a publicVni");
        }
        whitelistById = new HashMap<>();
        whitelistLookups = new WhitelistLookup[whitelists.size()];
        for (int i = 0; i < whitelists.size(); i++) {
            if (whitelistById.putIfAbsent(whitelists.get(i).id(), i) != null) {
                throw new IllegalArgumentException("whitelist " + whitelists.get(i).id() + ": duplicate id");
            }
            whitelistLookups[i] = new WhitelistLookup(whitelists.get(i));
        }
        elasticIpWhitelist = new int[elasticIps.size()];
        LongIntMap.Builder byPublic = new LongIntMap.Builder();
        LongIntMap.Builder byPrivate = new LongIntMap.Builder();
        elasticIpSegment = new int[elasticIps.size()];
        elasticIpPrivate = new int[elasticIps.size()];
        elasticIpAllowsAll = new boolean[elasticIps.size()];
        for (int i = 0; i < elasticIps.size(); i++) {
            ElasticIp eip = elasticIps.get(i);
            int segment = segmentByVni.get(eip.vni().value());
            if (segment == NONE || segment == publicSegment || segmentLookups[segment].router() == NONE) {
                throw new IllegalArgumentException("elasticIp " + eip.publicIp() + ": vni " + eip.vni()
                    + " is not a routed private segment of this table");
            }
            Segment config = segments.get(segment);
            if (config.cidrBlock() != null && !config.cidrBlock().contains(eip.privateIp())) {
                throw new IllegalArgumentException("elasticIp " + eip.publicIp() + ": privateIp " + eip.privateIp()
                    + " is outside " + config.cidrBlock());
            }
            if (!byPublic.put(eip.publicIp().bits() & 0xFFFF_FFFFL, i)) {
                throw new IllegalArgumentException("elasticIp " + eip.publicIp() + ": duplicate publicIp");
            }
            if (!byPrivate.put(privateKey(segment, eip.privateIp().bits()), i)) {
                throw new IllegalArgumentException("elasticIp " + eip.publicIp() + ": " + eip.privateIp()
                    + " on vni " + eip.vni() + " already has an elastic IP");
            }
            elasticIpSegment[i] = segment;
            elasticIpPrivate[i] = eip.privateIp().bits();
            elasticIpAllowsAll[i] = eip.ingress() == IngressPolicy.ALLOW_ALL;
            elasticIpWhitelist[i] = eip.whitelistId() == null ? NONE : whitelistIndexOf(eip.whitelistId());
            if (eip.whitelistId() != null && elasticIpWhitelist[i] == NONE) {
                throw new IllegalArgumentException("elasticIp " + eip.publicIp() + ": unknown whitelist " + eip.whitelistId());
            }
        }
        elasticIpByPublic = byPublic.build();
        elasticIpByPrivate = byPrivate.build();

        defaultRouteVia = new int[segments.size()];
        defaultRouteNextHop = new int[segments.size()];
        Arrays.fill(defaultRouteVia, NONE);
        for (DefaultRoute route : defaultRoutes) {
            int from = routedSegment(route.from(), "defaultRoute of " + route.from());
            int via = routedSegment(route.via(), "defaultRoute of " + route.from() + ": vni " + route.via());
            if (segmentLookups[from].router() != segmentLookups[via].router()) {
                throw new IllegalArgumentException("defaultRoute of " + route.from() + ": vni " + route.via()
                    + " belongs to another router");
            }
            Segment config = segments.get(via);
            if (config.cidrBlock() != null && !config.cidrBlock().contains(route.nextHop())) {
                throw new IllegalArgumentException("defaultRoute of " + route.from() + ": nextHop " + route.nextHop()
                    + " is outside " + config.cidrBlock());
            }
            if (defaultRouteVia[from] != NONE) {
                throw new IllegalArgumentException("defaultRoute of " + route.from() + ": duplicate entry");
            }
            defaultRouteVia[from] = via;
            defaultRouteNextHop[from] = route.nextHop().bits();
        }

        natGatewayOfPort = new int[ports.size()];
        Arrays.fill(natGatewayOfPort, NONE);
        natGatewayPort = new int[natGateways.size()];
        natGatewayWhitelist = new int[natGateways.size()];
        LongIntMap.Builder natByPublic = new LongIntMap.Builder();
        Map<String, Integer> natById = new HashMap<>();
        if (!natGateways.isEmpty() && publicSegment == NONE) {
            throw new IllegalArgumentException("natGateways need a publicVni");
        }
        for (int i = 0; i < natGateways.size(); i++) {
            NatGateway nat = natGateways.get(i);
            if (natById.putIfAbsent(nat.id(), i) != null) {
                throw new IllegalArgumentException("natGateway " + nat.id() + ": duplicate id");
            }
            Integer port = portById.get(nat.portId());
            if (port == null || ports.get(port).kind() != PortKind.NAT_GATEWAY || ports.get(port).ipAddress() == null) {
                throw new IllegalArgumentException("natGateway " + nat.id() + ": port " + nat.portId()
                    + " is not a nat-gateway port with an ipAddress in this table");
            }
            if (portSegment[port] == publicSegment || segmentLookups[portSegment[port]].router() == NONE) {
                throw new IllegalArgumentException("natGateway " + nat.id() + ": port " + nat.portId()
                    + " is not on a routed private segment");
            }
            if (natGatewayOfPort[port] != NONE) {
                throw new IllegalArgumentException("natGateway " + nat.id() + ": port " + nat.portId()
                    + " already serves another NAT gateway");
            }
            long publicKey = nat.publicIp().bits() & 0xFFFF_FFFFL;
            if (elasticIpByPublic.get(publicKey) != NONE || !natByPublic.put(publicKey, i)) {
                throw new IllegalArgumentException("natGateway " + nat.id() + ": publicIp " + nat.publicIp()
                    + " is already used by an elastic IP or NAT gateway of this table");
            }
            natGatewayWhitelist[i] = nat.whitelistId() == null || nat.egress() != EgressPolicy.WHITELIST
                ? NONE : whitelistIndexOf(nat.whitelistId());
            if (nat.whitelistId() != null && nat.egress() == EgressPolicy.WHITELIST && natGatewayWhitelist[i] == NONE) {
                throw new IllegalArgumentException("natGateway " + nat.id() + ": unknown whitelist " + nat.whitelistId());
            }
            natGatewayOfPort[port] = i;
            natGatewayPort[i] = port;
        }
        natGatewayByPublic = natByPublic.build();
        for (int i = 0; i < ports.size(); i++) {
            if (ports.get(i).kind() == PortKind.NAT_GATEWAY && natGatewayOfPort[i] == NONE) {
                throw new IllegalArgumentException("port " + ports.get(i).id() + ": a nat-gateway port needs its natGateway");
            }
        }
    }

    private int routedSegment(Vni vni, String what) {
        int segment = segmentByVni.get(vni.value());
        if (segment == NONE || segment == publicSegment || segmentLookups[segment].router() == NONE) {
            throw new IllegalArgumentException(what + " is not a routed private segment of this table");
        }
        return segment;
    }

    private static long privateKey(int segment, int ip) {
        return ((long) segment << 32) | (ip & 0xFFFF_FFFFL);
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
     * peer, e.g. a Linux vxlan device that learns its MACs) is checked no further.
     */
    public boolean maySendFrom(int vtep, int segment, long mac) {
        if (mac == 0 || MacAddress.isMulticast(mac)) {
            return false;
        }
        if (!vtepHoldsMacs[vtep] || routerByMac.get(mac) != NONE) {
            return true;
        }
        int entry = segmentLookups[segment].macEntry(mac);
        return entry != NONE && !SegmentLookup.isLocalPort(entry) && vtepIps[SegmentLookup.index(entry)] == vtepIps[vtep];
    }

    public int segmentIndexOf(int vni) {
        return segmentByVni.get(vni);
    }

    public int segmentCount() {
        return segmentLookups.length;
    }

    public int segmentVni(int segment) {
        return segments.get(segment).vni().value();
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

    public int floodCount(int segment) {
        return segmentLookups[segment].floodCount();
    }

    public int floodVtep(int segment, int i) {
        return segmentLookups[segment].floodVtep(i);
    }

    /**
     * Where unknown unicast from local port {@code port} goes: the one VTEP of the segment's flood
     * list when it is a learning peer (the table places no MAC behind it, as the point-to-point
     * mode's remote or a Linux vxlan device) and no other local port is on the segment, as a Linux
     * vxlan device with one all-zeros fdb entry sends it; else {@link #NONE} (unknown unicast is
     * dropped: the control plane knows every MAC of its peers).
     */
    public int soleFloodVtep(int segment, int port) {
        SegmentLookup lookup = segmentLookups[segment];
        if (lookup.floodCount() != 1 || vtepHoldsMacs[lookup.floodVtep(0)]) {
            return NONE;
        }
        int locals = lookup.localPortCount();
        return locals == 0 || locals == 1 && lookup.localPort(0) == port ? lookup.floodVtep(0) : NONE;
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
        return publicSegment;
    }

    /** The elastic IP held here for public address {@code ip}, or {@link #NONE}. */
    public int elasticIpByPublic(int ip) {
        return elasticIpByPublic.get(ip & 0xFFFF_FFFFL);
    }

    /** The elastic IP of the instance with {@code ip} on {@code segment}, or {@link #NONE}. */
    public int elasticIpByPrivate(int segment, int ip) {
        return elasticIps.isEmpty() ? NONE : elasticIpByPrivate.get(privateKey(segment, ip));
    }

    public int elasticIpSegment(int eip) {
        return elasticIpSegment[eip];
    }

    public int elasticIpPrivate(int eip) {
        return elasticIpPrivate[eip];
    }

    public boolean elasticIpAllowsAll(int eip) {
        return elasticIpAllowsAll[eip];
    }

    public List<DefaultRoute> defaultRoutes() {
        return defaultRoutes;
    }

    /** The segment a packet routed from {@code segment} leaves on when no route matches, or {@link #NONE}. */
    public int defaultRouteSegment(int segment) {
        return defaultRouteVia[segment];
    }

    /** The next-hop address of {@code segment}'s default route (valid when {@link #defaultRouteSegment} is not NONE). */
    public int defaultRouteNextHop(int segment) {
        return defaultRouteNextHop[segment];
    }

    public List<NatGateway> natGateways() {
        return natGateways;
    }

    /** The NAT gateway whose private side is local port {@code port}, or {@link #NONE}. */
    public int natGatewayOfPort(int port) {
        return natGatewayOfPort[port];
    }

    /** The local port of NAT gateway {@code nat}. */
    public int natGatewayPort(int nat) {
        return natGatewayPort[nat];
    }

    /** The egress whitelist of NAT gateway {@code nat}, or {@link #NONE} unless its policy is WHITELIST with one. */
    public int natGatewayWhitelist(int nat) {
        return natGatewayWhitelist[nat];
    }

    /** The NAT gateway served here whose public address is {@code ip}, or {@link #NONE}. */
    public int natGatewayByPublic(int ip) {
        return natGateways.isEmpty() ? NONE : natGatewayByPublic.get(ip & 0xFFFF_FFFFL);
    }

    /** The elastic IP's ingress whitelist, or {@link #NONE} unless its policy is WHITELIST. */
    public int elasticIpWhitelist(int eip) {
        return elasticIpWhitelist[eip];
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
     * Collects one table's entries; {@link #build()} validates them all and either returns a
     * complete snapshot or throws an {@link IllegalArgumentException} naming the first bad entry.
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
        private final List<NatGateway> natGateways = new ArrayList<>();
        private final List<Whitelist> whitelists = new ArrayList<>();
        private Vni publicVni;

        private Builder() {
        }

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
