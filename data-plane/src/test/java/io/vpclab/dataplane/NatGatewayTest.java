package io.vpclab.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.host.PortState;
import io.vpclab.dataplane.host.ProbeReply;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.host.TracerouteProbe;
import io.vpclab.dataplane.host.TracerouteResult;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.pipeline.NatGatewayTable;
import io.vpclab.dataplane.port.InMemoryFrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.stats.NatSessionSnapshot;
import io.vpclab.dataplane.table.DefaultRoute;
import io.vpclab.dataplane.table.EgressPolicy;
import io.vpclab.dataplane.table.ElasticIp;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.NatGateway;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.table.Whitelist;
import io.vpclab.dataplane.table.WhitelistProtocol;
import io.vpclab.dataplane.table.WhitelistRule;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import io.vpclab.dataplane.underlay.Underlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The NAT gateway on the wire, three VTEPs in one JVM. A hosts the private instances vm1, vm2
 * (10.0.2.0/24, VNI 200, whose default route is the NAT gateway), vmEip (same subnet, with an
 * elastic IP) and peer (10.1.0.0/24, a peered VPC); N hosts the NAT gateway's port 10.0.1.10 in
 * its own subnet (VNI 100) with public address 203.0.113.20; I hosts the internet hosts on the
 * provider segment. Every packet is real and every stack checks its checksums. The NAT's clock
 * is the test's, so idle timeouts pass without waiting.
 */
class NatGatewayTest {

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final Duration SHORT = Duration.ofMillis(300);
    static final int NAT_VNI = NatGatewayTable.NAT_VNI;
    static final int PRIVATE_VNI = NatGatewayTable.PRIVATE_VNI;
    static final int PEER_VNI = 300;
    static final int PUBLIC_VNI = 16_777_000;
    static final Ipv4Prefix NAT_SUBNET = NatGatewayTable.NAT_SUBNET;
    static final Ipv4Prefix PRIVATE_SUBNET = NatGatewayTable.PRIVATE_SUBNET;
    static final Ipv4Prefix PEER_SUBNET = Ipv4Prefix.parse("10.1.0.0/24");
    static final Ipv4Address NAT_GATEWAY_IP = Ipv4Address.parse("10.0.1.1");
    static final Ipv4Address PRIVATE_GATEWAY = Ipv4Address.parse("10.0.2.1");
    static final Ipv4Address PEER_GATEWAY = Ipv4Address.parse("10.1.0.1");
    static final Ipv4Address PUBLIC_GATEWAY = Ipv4Address.parse("198.51.100.1");
    static final MacAddress VPC_ROUTER_MAC = NatGatewayTable.VPC_ROUTER_MAC;
    static final MacAddress PEER_ROUTER_MAC = MacAddress.parse("02:00:00:00:02:fe");
    static final MacAddress PUBLIC_ROUTER_MAC = MacAddress.parse("02:00:00:00:01:fe");

    static final Ipv4Address NAT_IP = NatGatewayTable.NAT_IP;
    static final MacAddress NAT_MAC = NatGatewayTable.NAT_MAC;
    static final Ipv4Address NAT_PUBLIC = NatGatewayTable.NAT_PUBLIC;
    static final Ipv4Address VM1_IP = Ipv4Address.parse("10.0.2.5");
    static final MacAddress VM1_MAC = MacAddress.parse("02:00:0a:00:02:05");
    static final Ipv4Address VM2_IP = Ipv4Address.parse("10.0.2.6");
    static final MacAddress VM2_MAC = MacAddress.parse("02:00:0a:00:02:06");
    static final Ipv4Address VM_EIP_IP = Ipv4Address.parse("10.0.2.7");
    static final MacAddress VM_EIP_MAC = MacAddress.parse("02:00:0a:00:02:07");
    static final Ipv4Address EIP = Ipv4Address.parse("203.0.113.10");
    static final Ipv4Address PEER_IP = Ipv4Address.parse("10.1.0.5");
    static final MacAddress PEER_MAC = MacAddress.parse("02:00:0a:01:00:05");
    static final Ipv4Address INTERNET_IP = Ipv4Address.parse("198.51.100.10");
    static final MacAddress INTERNET_MAC = MacAddress.parse("02:00:c6:33:64:0a");
    static final Ipv4Address RAW_IP = Ipv4Address.parse("198.51.100.20");
    static final MacAddress RAW_MAC = MacAddress.parse("02:00:c6:33:64:14");

    final AtomicLong clock = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    final Underlay underlayA = hub.join(new InetSocketAddress("10.255.0.1", Vxlan.PORT));
    final List<InMemoryUnderlay> underlaysN = underlaysOfN(hub, new InetSocketAddress("10.255.0.2", Vxlan.PORT));
    final Underlay underlayN = underlaysN.get(0);
    final Underlay underlayI = hub.join(new InetSocketAddress("10.255.0.3", Vxlan.PORT));
    final Vtep a = new Vtep(underlayA);
    final Vtep n = new Vtep(underlaysN, clock::get, 1024);
    final Vtep i = new Vtep(underlayI);
    final SimulatedHost vm1 = host("vm1", VM1_MAC, VM1_IP, PRIVATE_GATEWAY);
    final SimulatedHost vm2 = host("vm2", VM2_MAC, VM2_IP, PRIVATE_GATEWAY);
    final SimulatedHost vmEip = host("vmEip", VM_EIP_MAC, VM_EIP_IP, PRIVATE_GATEWAY);
    final SimulatedHost peer = host("peer", PEER_MAC, PEER_IP, PEER_GATEWAY);
    final SimulatedHost internet = host("internet", INTERNET_MAC, INTERNET_IP, PUBLIC_GATEWAY);
    final InMemoryFrameDevice raw = new InMemoryFrameDevice("raw");

    /** N's underlays: one event loop here ({@code NatGatewayAcrossEventLoopsTest} gives it two). */
    List<InMemoryUnderlay> underlaysOfN(InMemoryUnderlay.Hub hub, InetSocketAddress address) {
        return List.of(hub.join(address));
    }

    static SimulatedHost host(String name, MacAddress mac, Ipv4Address ip, Ipv4Address gateway) {
        return new SimulatedHost(name, mac, ip, 24, gateway, 1450);
    }

    /** Starts all three VTEPs with a gateway using ports {@code portMin..portMax} and UDP idle timeout {@code udpIdle}. */
    void start(int portMin, int portMax, int udpIdle, EgressPolicy egress) {
        start(portMin, portMax, udpIdle, egress, null);
    }

    void start(int portMin, int portMax, int udpIdle, EgressPolicy egress, Whitelist whitelist) {
        a.apply(common(underlayA, List.of("N", "I"))
                .segment(new Segment(Vni.of(NAT_VNI), NAT_SUBNET, NAT_GATEWAY_IP, "r1", List.of("N"), null))
                .segment(new Segment(Vni.of(PRIVATE_VNI), PRIVATE_SUBNET, PRIVATE_GATEWAY, "r1", List.of(), null))
                .segment(new Segment(Vni.of(PEER_VNI), PEER_SUBNET, PEER_GATEWAY, "r2", List.of(), null))
                .segment(new Segment(Vni.of(PUBLIC_VNI), null, PUBLIC_GATEWAY, "public", List.of("N", "I"), null))
                .router(vpcRouter(true))
                .router(new Router(
                        "r2",
                        PEER_ROUTER_MAC,
                        List.of(
                                new Route(PEER_SUBNET, Vni.of(PEER_VNI)),
                                new Route(NAT_SUBNET, Vni.of(NAT_VNI)),
                                new Route(PRIVATE_SUBNET, Vni.of(PRIVATE_VNI)))))
                .port(LocalPort.simulated("vm1", Vni.of(PRIVATE_VNI), VM1_MAC, VM1_IP, 24, PRIVATE_GATEWAY))
                .port(LocalPort.simulated("vm2", Vni.of(PRIVATE_VNI), VM2_MAC, VM2_IP, 24, PRIVATE_GATEWAY))
                .port(LocalPort.simulated("vmEip", Vni.of(PRIVATE_VNI), VM_EIP_MAC, VM_EIP_IP, 24, PRIVATE_GATEWAY))
                .port(LocalPort.simulated("peer", Vni.of(PEER_VNI), PEER_MAC, PEER_IP, 24, PEER_GATEWAY))
                .elasticIp(new ElasticIp(EIP, Vni.of(PRIVATE_VNI), VM_EIP_IP, IngressPolicy.DENY_ALL))
                .defaultRoute(new DefaultRoute(Vni.of(PRIVATE_VNI), Vni.of(NAT_VNI), NAT_IP))
                .mac(new MacEntry(Vni.of(NAT_VNI), NAT_MAC, "N"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), NAT_MAC, "N"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), INTERNET_MAC, "I"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), RAW_MAC, "I"))
                .binding(new IpBinding(Vni.of(NAT_VNI), NAT_IP, NAT_MAC))
                .build());
        ForwardingState.Builder atN = common(underlayN, List.of("A", "I"));
        if (whitelist != null) {
            atN.whitelist(whitelist);
        }
        n.apply(atN.segment(new Segment(Vni.of(NAT_VNI), NAT_SUBNET, NAT_GATEWAY_IP, "r1", List.of(), null))
                .segment(new Segment(Vni.of(PRIVATE_VNI), PRIVATE_SUBNET, PRIVATE_GATEWAY, "r1", List.of("A"), null))
                .segment(new Segment(Vni.of(PUBLIC_VNI), null, PUBLIC_GATEWAY, "public", List.of("A", "I"), null))
                .router(vpcRouter(false))
                // the peered VPC's router runs on A only: N knows just its MAC, as the control plane compiles it
                .router(new Router("r2", PEER_ROUTER_MAC, List.of()))
                .port(NatGatewayTable.port(NAT_GATEWAY_IP))
                .natGateway(NatGatewayTable.gateway(
                        portMin, portMax, udpIdle, egress, whitelist == null ? null : whitelist.id()))
                .mac(new MacEntry(Vni.of(PRIVATE_VNI), VM1_MAC, "A"))
                .mac(new MacEntry(Vni.of(PRIVATE_VNI), VM2_MAC, "A"))
                .mac(new MacEntry(Vni.of(PRIVATE_VNI), VM_EIP_MAC, "A"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), VM_EIP_MAC, "A"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), INTERNET_MAC, "I"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), RAW_MAC, "I"))
                .binding(new IpBinding(Vni.of(PRIVATE_VNI), VM1_IP, VM1_MAC))
                .binding(new IpBinding(Vni.of(PRIVATE_VNI), VM2_IP, VM2_MAC))
                .binding(new IpBinding(Vni.of(PRIVATE_VNI), VM_EIP_IP, VM_EIP_MAC))
                .build());
        i.apply(common(underlayI, List.of("A", "N"))
                .segment(new Segment(Vni.of(PUBLIC_VNI), null, PUBLIC_GATEWAY, "public", List.of("A", "N"), null))
                .port(LocalPort.simulated(
                        "internet", Vni.of(PUBLIC_VNI), INTERNET_MAC, INTERNET_IP, 24, PUBLIC_GATEWAY))
                .port(LocalPort.simulated("raw", Vni.of(PUBLIC_VNI), RAW_MAC, RAW_IP, 24, PUBLIC_GATEWAY))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), NAT_MAC, "N"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), VM_EIP_MAC, "A"))
                .build());
        a.attachPort("vm1", vm1);
        a.attachPort("vm2", vm2);
        a.attachPort("vmEip", vmEip);
        a.attachPort("peer", peer);
        i.attachPort("internet", internet);
        i.attachPort("raw", raw);
    }

    void start() {
        start(NatGateway.DEFAULT_PORT_MIN, NatGateway.DEFAULT_PORT_MAX, 60, EgressPolicy.ALLOW_ALL);
    }

    /** Hosts, VTEPs, the public router and the provider segment's bindings, the same everywhere. */
    ForwardingState.Builder common(Underlay own, List<String> peers) {
        ForwardingState.Builder b = ForwardingState.builder()
                .generation(1)
                .host(new TableHost(TwoVteps.address(own), own.localAddress().getPort(), 1500))
                .publicVni(Vni.of(PUBLIC_VNI))
                .router(TwoVteps.publicRouter(PUBLIC_ROUTER_MAC, PUBLIC_VNI))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), INTERNET_IP, INTERNET_MAC))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), RAW_IP, RAW_MAC))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), NAT_PUBLIC, NAT_MAC))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), EIP, VM_EIP_MAC));
        for (String peer : peers) {
            Underlay other = switch (peer) {
                case "A" -> underlayA;
                case "N" -> underlayN;
                default -> underlayI;
            };
            b.vtep(new RemoteVtep(
                    peer, TwoVteps.address(other), other.localAddress().getPort()));
        }
        return b;
    }

    /** The VPC's router; with the peering route where the peer's segment is in the table. */
    static Router vpcRouter(boolean peered) {
        List<Route> routes = new java.util.ArrayList<>(
                List.of(new Route(NAT_SUBNET, Vni.of(NAT_VNI)), new Route(PRIVATE_SUBNET, Vni.of(PRIVATE_VNI))));
        if (peered) {
            routes.add(new Route(PEER_SUBNET, Vni.of(PEER_VNI)));
        }
        return new Router("r1", VPC_ROUTER_MAC, routes);
    }

    NatGatewaySnapshot figures() {
        return n.natGateways(100).get(0);
    }

    @AfterEach
    void stop() {
        a.close();
        n.close();
        i.close();
    }

    @Test
    void twoPrivateInstancesPingTcpAndUdpTheInternetThroughOneGateway() throws Exception {
        start();
        internet.openTcpPort(443);
        internet.udpEcho(53);

        PingResult ping1 = vm1.ping(INTERNET_IP, 2, TIMEOUT).get(10, TimeUnit.SECONDS);
        PingResult ping2 = vm2.ping(INTERNET_IP, 2, TIMEOUT).get(10, TimeUnit.SECONDS);
        PortState https = vm1.probeTcp(INTERNET_IP, 443, TIMEOUT).get(10, TimeUnit.SECONDS);
        ProbeReply dns = vm2.udpRequest(INTERNET_IP, 53, "query".getBytes(StandardCharsets.US_ASCII), TIMEOUT)
                .get(10, TimeUnit.SECONDS);

        assertThat(ping1.received()).isEqualTo(2);
        assertThat(ping2.received()).isEqualTo(2);
        // out: VPC router at A, NAT at N; back: public router at I, NAT at N
        assertThat(ping1.probes()).allSatisfy(p -> assertThat(p.ttl()).isEqualTo(SimulatedHost.DEFAULT_TTL - 2));
        assertThat(https).isEqualTo(PortState.OPEN);
        assertThat(new String(dns.payload(), StandardCharsets.US_ASCII)).isEqualTo("query");
        NatGatewaySnapshot figures = figures();
        // vm1 and vm2 each ping with their own echo id; one TCP and one UDP flow
        assertThat(figures.sessionsCreated()).isEqualTo(4);
        assertThat(figures.activeSessions()).isEqualTo(4);
        assertThat(figures.packetsOut()).isGreaterThanOrEqualTo(7); // 4 echo requests, SYN, RST, 1 datagram
        assertThat(figures.packetsIn()).isEqualTo(6); // 4 echo replies, SYN-ACK, 1 datagram
        assertThat(figures.sessions()).extracting(NatSessionSnapshot::privateIp).contains(VM1_IP, VM2_IP);
        assertThat(figures.sessions()).allSatisfy(s -> {
            assertThat(s.publicIp()).isEqualTo(NAT_PUBLIC);
            assertThat(s.remoteIp()).isEqualTo(INTERNET_IP);
        });
        NatSessionSnapshot tcp = figures.sessions().stream()
                .filter(s -> s.protocol().equals("TCP"))
                .findFirst()
                .orElseThrow();
        assertThat(tcp.state()).isEqualTo("CLOSING"); // the prober reset the connection
        assertThat(tcp.timeoutSeconds()).isEqualTo(10);
        assertThat(tcp.remotePort()).isEqualTo(443);
        NatSessionSnapshot udp = figures.sessions().stream()
                .filter(s -> s.protocol().equals("UDP"))
                .findFirst()
                .orElseThrow();
        assertThat(udp.state()).isEqualTo("ESTABLISHED");
        assertThat(udp.timeoutSeconds()).isEqualTo(60);
        assertThat(figures.drops()).isEmpty();
        assertThat(n.counters().host().totalDrops()).isZero();
    }

    @Test
    void aPortUnreachableFromTheInternetReachesTheInstanceAboutItsOwnPacket() throws Exception {
        start();

        ProbeReply closed = vm1.udpRequest(INTERNET_IP, 9, "x".getBytes(StandardCharsets.US_ASCII), TIMEOUT)
                .get(10, TimeUnit.SECONDS);
        PingResult stillWorks = vm1.ping(INTERNET_IP, 1, TIMEOUT).get(10, TimeUnit.SECONDS);

        // the simulated stack only takes the error when the quoted packet carries its own address and ports
        assertThat(closed.kind()).isEqualTo(ProbeReply.Kind.UNREACHABLE);
        assertThat(closed.from()).isEqualTo(INTERNET_IP);
        assertThat(stillWorks.received()).isEqualTo(1);
        NatGatewaySnapshot figures = figures();
        assertThat(figures.drops()).isEmpty();
        assertThat(figures.sessions())
                .filteredOn(s -> s.protocol().equals("UDP"))
                .singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo("NEW"));
    }

    @Test
    void tracerouteShowsTheRouterTheGatewayAndTheInternetHost() throws Exception {
        start();

        TracerouteResult route =
                vm1.traceroute(INTERNET_IP, 5, TracerouteProbe.UDP, TIMEOUT).get(30, TimeUnit.SECONDS);

        assertThat(route.hops()).extracting(ProbeReply::from).containsExactly(PRIVATE_GATEWAY, NAT_IP, INTERNET_IP);
        assertThat(figures().dropped(DropReason.TTL_EXCEEDED)).isEqualTo(1);
    }

    @Test
    void theInternetSeesTheGatewaysPublicAddressWithValidChecksums() throws Exception {
        start();

        vm1.udpRequest(RAW_IP, 9999, "hello".getBytes(StandardCharsets.US_ASCII), SHORT);
        vm2.echo(RAW_IP, 64, SHORT);
        byte[] datagram = raw.take(TIMEOUT);
        byte[] echo = raw.take(TIMEOUT);

        ByteBuf udp = Unpooled.wrappedBuffer(datagram);
        int ip = Ethernet.HEADER_LENGTH;
        int l4 = ip + Ipv4.headerLength(udp, ip);
        assertThat(Ethernet.source(udp, 0)).isEqualTo(PUBLIC_ROUTER_MAC.bits());
        assertThat(Ipv4.source(udp, ip)).isEqualTo(NAT_PUBLIC.bits());
        assertThat(Ipv4.verifyChecksum(udp, ip)).isTrue();
        assertThat(Udp.checksum(udp, l4)).isNotZero();
        assertThat(Udp.verifyChecksum(udp, l4, NAT_PUBLIC.bits(), RAW_IP.bits()))
                .isTrue();
        assertThat(Udp.sourcePort(udp, l4)).isBetween(NatGateway.DEFAULT_PORT_MIN, NatGateway.DEFAULT_PORT_MAX);
        ByteBuf icmp = Unpooled.wrappedBuffer(echo);
        assertThat(Ipv4.source(icmp, ip)).isEqualTo(NAT_PUBLIC.bits());
        assertThat(Icmp.verifyChecksum(icmp, l4, Ipv4.totalLength(icmp, ip) - Ipv4.headerLength(icmp, ip)))
                .isTrue();
        assertThat(Icmp.identifier(icmp, l4)).isBetween(NatGateway.DEFAULT_PORT_MIN, NatGateway.DEFAULT_PORT_MAX);
    }

    @Test
    void portExhaustionDropsTheNewFlowAndCountsErrorPortAllocation() throws Exception {
        start(2000, 2001, 60, EgressPolicy.ALLOW_ALL);
        internet.udpEcho(53);
        internet.udpEcho(54);
        byte[] payload = "q".getBytes(StandardCharsets.US_ASCII);

        ProbeReply first = vm1.udpRequest(INTERNET_IP, 53, payload, TIMEOUT).get(10, TimeUnit.SECONDS);
        ProbeReply second = vm2.udpRequest(INTERNET_IP, 53, payload, TIMEOUT).get(10, TimeUnit.SECONDS);
        ProbeReply third = vm1.udpRequest(INTERNET_IP, 53, payload, SHORT).get(10, TimeUnit.SECONDS);
        ProbeReply otherDestination =
                vm1.udpRequest(INTERNET_IP, 54, payload, TIMEOUT).get(10, TimeUnit.SECONDS);

        assertThat(first.kind()).isEqualTo(ProbeReply.Kind.UDP_REPLY);
        assertThat(second.kind()).isEqualTo(ProbeReply.Kind.UDP_REPLY);
        assertThat(third.kind()).isEqualTo(ProbeReply.Kind.TIMEOUT);
        // ports are allocated per destination: 2000 is free again towards port 54
        assertThat(otherDestination.kind()).isEqualTo(ProbeReply.Kind.UDP_REPLY);
        NatGatewaySnapshot figures = figures();
        assertThat(figures.portAllocationErrors()).isEqualTo(1);
        assertThat(figures.dropped(DropReason.ERROR_PORT_ALLOCATION)).isEqualTo(1);
        assertThat(figures.sessions())
                .extracting(NatSessionSnapshot::publicPort)
                .containsExactlyInAnyOrder(2000, 2001, 2000);
        assertThat(n.counters().port("nat").dropped(DropReason.ERROR_PORT_ALLOCATION))
                .isEqualTo(1);
    }

    @Test
    void idleSessionsExpireAndALateReplyIsDropped() throws Exception {
        start(NatGateway.DEFAULT_PORT_MIN, NatGateway.DEFAULT_PORT_MAX, 30, EgressPolicy.ALLOW_ALL);
        vm1.udpRequest(RAW_IP, 9999, "hello".getBytes(StandardCharsets.US_ASCII), TIMEOUT);
        byte[] request = raw.take(TIMEOUT);
        int publicPort =
                Udp.sourcePort(Unpooled.wrappedBuffer(request), Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH);

        raw.inject(udpFromRaw(9999, publicPort, "in time"));
        assertThat(waitFor(() -> figures().packetsIn() == 1)).isTrue();
        clock.addAndGet(TimeUnit.SECONDS.toNanos(29));
        assertThat(figures().activeSessions()).isEqualTo(1);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(31));
        raw.inject(udpFromRaw(9999, publicPort, "too late"));

        assertThat(waitFor(() -> figures().dropped(DropReason.NAT_SESSION_EXPIRED) == 1))
                .isTrue();
        assertThat(figures().activeSessions()).isZero();
        assertThat(figures().packetsIn()).isEqualTo(1);
        raw.inject(udpFromRaw(9999, publicPort, "still too late"));
        assertThat(waitFor(() -> figures().dropped(DropReason.NAT_UNSOLICITED) == 1))
                .isTrue();
    }

    @Test
    void unsolicitedInboundIsDroppedAndCounted() throws Exception {
        start();
        vm1.openTcpPort(22);
        vm1.udpEcho(7);

        PingResult ping = internet.ping(NAT_PUBLIC, 1, SHORT).get(10, TimeUnit.SECONDS);
        PortState ssh = internet.probeTcp(NAT_PUBLIC, 22, SHORT).get(10, TimeUnit.SECONDS);
        ProbeReply echo = internet.udpRequest(NAT_PUBLIC, 7, "x".getBytes(StandardCharsets.US_ASCII), SHORT)
                .get(10, TimeUnit.SECONDS);

        assertThat(ping.received()).isZero();
        assertThat(ssh).isEqualTo(PortState.FILTERED);
        assertThat(echo.kind()).isEqualTo(ProbeReply.Kind.TIMEOUT);
        assertThat(figures().dropped(DropReason.NAT_UNSOLICITED)).isEqualTo(3);
        assertThat(figures().sessionsCreated()).isZero();
        assertThat(a.counters().port("vm1").packetsOut()).isZero();
    }

    @Test
    void anInstanceWithAnElasticIpBypassesTheGateway() throws Exception {
        start();

        vmEip.udpRequest(RAW_IP, 9999, "x".getBytes(StandardCharsets.US_ASCII), SHORT);
        byte[] datagram = raw.take(TIMEOUT);

        assertThat(Ipv4.source(Unpooled.wrappedBuffer(datagram), Ethernet.HEADER_LENGTH))
                .isEqualTo(EIP.bits());
        assertThat(figures().sessionsCreated()).isZero();
        assertThat(n.counters().port("nat").packetsOut()).isZero();
    }

    @Test
    void aPeeredVpcCannotUseTheGateway() throws Exception {
        start();

        PingResult toInternet = peer.ping(INTERNET_IP, 1, SHORT).get(10, TimeUnit.SECONDS);
        ProbeReply viaGateway = peer.udpRequest(NAT_IP, 53, "x".getBytes(StandardCharsets.US_ASCII), SHORT)
                .get(10, TimeUnit.SECONDS);

        assertThat(toInternet.received()).isZero();
        assertThat(a.counters().port("peer").dropped(DropReason.NO_ROUTE)).isEqualTo(1);
        assertThat(viaGateway.kind()).isEqualTo(ProbeReply.Kind.TIMEOUT);
        assertThat(figures().dropped(DropReason.NAT_SOURCE_REFUSED)).isEqualTo(1);
        assertThat(figures().sessionsCreated()).isZero();
    }

    @Test
    void aWhitelistPolicyWithoutAFilterLetsNoNewFlowOut() throws Exception {
        start(NatGateway.DEFAULT_PORT_MIN, NatGateway.DEFAULT_PORT_MAX, 60, EgressPolicy.WHITELIST);

        PingResult ping = vm1.ping(INTERNET_IP, 1, SHORT).get(10, TimeUnit.SECONDS);

        assertThat(ping.received()).isZero();
        assertThat(figures().dropped(DropReason.NAT_EGRESS_DENIED)).isEqualTo(1);
    }

    @Test
    void aWhitelistPolicyLetsOutOnlyWhatItsRulesAdmitAndRepliesPass() throws Exception {
        Whitelist dnsOnly = new Whitelist(
                "wl-1",
                List.of(new WhitelistRule("dns", WhitelistProtocol.UDP, Ipv4Prefix.parse("198.51.100.0/24"), 53, 53)));
        start(NatGateway.DEFAULT_PORT_MIN, NatGateway.DEFAULT_PORT_MAX, 60, EgressPolicy.WHITELIST, dnsOnly);
        internet.udpEcho(53);
        internet.udpEcho(123);

        ProbeReply dns = vm1.udpRequest(INTERNET_IP, 53, "q".getBytes(StandardCharsets.US_ASCII), TIMEOUT)
                .get(10, TimeUnit.SECONDS);
        ProbeReply ntp = vm1.udpRequest(INTERNET_IP, 123, "q".getBytes(StandardCharsets.US_ASCII), SHORT)
                .get(10, TimeUnit.SECONDS);
        PingResult ping = vm1.ping(INTERNET_IP, 1, SHORT).get(10, TimeUnit.SECONDS);

        assertThat(dns.kind()).isEqualTo(ProbeReply.Kind.UDP_REPLY);
        assertThat(ntp.kind()).isEqualTo(ProbeReply.Kind.TIMEOUT);
        assertThat(ping.received()).isZero();
        assertThat(figures().dropped(DropReason.NAT_EGRESS_DENIED)).isEqualTo(2);
        assertThat(figures().sessionsCreated()).isEqualTo(1);
        var counters = n.whitelistCounters().get("wl-1");
        assertThat(counters.rules().get(0).hits()).isEqualTo(1);
        assertThat(counters.drops()).isEqualTo(2);
    }

    /** A UDP datagram from raw (198.51.100.20:{@code from}) to the gateway's public address. */
    static byte[] udpFromRaw(int from, int to, String text) {
        byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
        int udpLength = Udp.HEADER_LENGTH + payload.length;
        int ipLength = Ipv4.MIN_HEADER_LENGTH + udpLength;
        ByteBuf frame = Unpooled.buffer(Ethernet.HEADER_LENGTH + ipLength);
        frame.writerIndex(Ethernet.HEADER_LENGTH + ipLength);
        int at = Ethernet.write(frame, 0, PUBLIC_ROUTER_MAC.bits(), RAW_MAC.bits(), EtherType.IPV4_VALUE);
        int l4 = Ipv4.write(frame, at, ipLength, 1, 64, IpProtocol.UDP_VALUE, RAW_IP.bits(), NAT_PUBLIC.bits());
        frame.setBytes(Udp.write(frame, l4, from, to, udpLength), payload);
        Udp.updateChecksum(frame, l4, RAW_IP.bits(), NAT_PUBLIC.bits());
        byte[] bytes = new byte[frame.readableBytes()];
        frame.getBytes(0, bytes);
        return bytes;
    }

    static boolean waitFor(java.util.function.BooleanSupplier condition) {
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(condition::getAsBoolean);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }
}
