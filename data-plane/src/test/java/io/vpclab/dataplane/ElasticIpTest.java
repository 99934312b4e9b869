package io.vpclab.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.host.PortState;
import io.vpclab.dataplane.host.ProbeReply;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.InMemoryFrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.TrafficSnapshot;
import io.vpclab.dataplane.table.ElasticIp;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Elastic IPs on the wire: VTEP A hosts instance vm (10.0.1.5, VPC router r1) whose elastic IP
 * is 203.0.113.10; VTEP B hosts internet hosts on the public segment (router "public",
 * 198.51.100.0/24, the EIP pool 203.0.113.0/24 routed onto the same segment). Every packet is
 * real: ARP, ICMP, UDP and TCP from simulated stacks that verify their checksums.
 */
class ElasticIpTest {

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final Duration SHORT = Duration.ofMillis(300);
    static final int VPC_VNI = 100;
    static final int PUBLIC_VNI = 16_777_000;
    static final Ipv4Address VPC_GATEWAY = Ipv4Address.parse("10.0.1.1");
    static final Ipv4Address PUBLIC_GATEWAY = Ipv4Address.parse("198.51.100.1");
    static final MacAddress VPC_ROUTER_MAC = MacAddress.parse("02:00:00:00:00:fe");
    static final MacAddress PUBLIC_ROUTER_MAC = MacAddress.parse("02:00:00:00:01:fe");
    static final MacAddress VM_MAC = MacAddress.parse("02:00:0a:00:01:05");
    static final Ipv4Address VM_IP = Ipv4Address.parse("10.0.1.5");
    static final Ipv4Address EIP = Ipv4Address.parse("203.0.113.10");
    static final MacAddress INTERNET_MAC = MacAddress.parse("02:00:c6:33:64:0a");
    static final Ipv4Address INTERNET_IP = Ipv4Address.parse("198.51.100.10");
    static final MacAddress RAW_MAC = MacAddress.parse("02:00:c6:33:64:14");
    static final Ipv4Address RAW_IP = Ipv4Address.parse("198.51.100.20");

    final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    final List<InMemoryUnderlay> underlaysA = underlaysOfA(hub, new InetSocketAddress("10.255.0.1", Vxlan.PORT));
    final Underlay underlayA = underlaysA.get(0);
    final Underlay underlayB = hub.join(new InetSocketAddress("10.255.0.2", Vxlan.PORT));
    final Vtep a = new Vtep(underlaysA, System::nanoTime, Vtep.NAT_SESSION_CAPACITY);

    /** A's underlays: one event loop here ({@code ElasticIpAcrossEventLoopsTest} gives it two). */
    List<InMemoryUnderlay> underlaysOfA(InMemoryUnderlay.Hub hub, InetSocketAddress address) {
        return List.of(hub.join(address));
    }

    final Vtep b = new Vtep(underlayB);
    final SimulatedHost vm = new SimulatedHost("vm", VM_MAC, VM_IP, 24, VPC_GATEWAY, 1450);
    final SimulatedHost internet = new SimulatedHost("internet", INTERNET_MAC, INTERNET_IP, 24, PUBLIC_GATEWAY, 1450);
    final InMemoryFrameDevice raw = new InMemoryFrameDevice("raw");

    void start(IngressPolicy policy) {
        a.apply(table(underlayA, "B", underlayB, policy)
                .port(LocalPort.simulated("vm", Vni.of(VPC_VNI), VM_MAC, VM_IP, 24, VPC_GATEWAY))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), INTERNET_MAC, "B"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), RAW_MAC, "B"))
                .elasticIp(new ElasticIp(EIP, Vni.of(VPC_VNI), VM_IP, policy))
                .build());
        // B learns where the elastic IP lives from its binding: the instance's MAC behind A.
        b.apply(table(underlayB, "A", underlayA, policy)
                .port(LocalPort.simulated(
                        "internet", Vni.of(PUBLIC_VNI), INTERNET_MAC, INTERNET_IP, 24, PUBLIC_GATEWAY))
                .port(LocalPort.simulated("raw", Vni.of(PUBLIC_VNI), RAW_MAC, RAW_IP, 24, PUBLIC_GATEWAY))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), VM_MAC, "A"))
                .build());
        a.attachPort("vm", vm);
        b.attachPort("internet", internet);
        b.attachPort("raw", raw);
    }

    static ForwardingState.Builder table(Underlay own, String peer, Underlay other, IngressPolicy policy) {
        return ForwardingState.builder()
                .generation(1)
                .host(new TableHost(TwoVteps.address(own), own.localAddress().getPort(), 1500))
                .vtep(new RemoteVtep(
                        peer, TwoVteps.address(other), other.localAddress().getPort()))
                .segment(new Segment(
                        Vni.of(VPC_VNI), Ipv4Prefix.parse("10.0.1.0/24"), VPC_GATEWAY, "r1", List.of(), null))
                .segment(new Segment(Vni.of(PUBLIC_VNI), null, PUBLIC_GATEWAY, "public", List.of(peer), null))
                .publicVni(Vni.of(PUBLIC_VNI))
                .router(new Router(
                        "r1", VPC_ROUTER_MAC, List.of(new Route(Ipv4Prefix.parse("10.0.1.0/24"), Vni.of(VPC_VNI)))))
                .router(TwoVteps.publicRouter(PUBLIC_ROUTER_MAC, PUBLIC_VNI))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), INTERNET_IP, INTERNET_MAC))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), RAW_IP, RAW_MAC))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), EIP, VM_MAC));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void theInstancePingsTheInternetThroughItsElasticIp() throws Exception {
        start(IngressPolicy.DENY_ALL);

        PingResult result = vm.ping(INTERNET_IP, 3, TIMEOUT).get(10, TimeUnit.SECONDS);

        assertThat(result.received()).isEqualTo(3);
        assertThat(result.probes()).allSatisfy(p -> assertThat(p.from()).isEqualTo(INTERNET_IP));
        // vm -> VPC router + public router (one hop, at A); back: public router at B, then into the VPC at A
        assertThat(result.probes()).allSatisfy(p -> assertThat(p.ttl()).isEqualTo(SimulatedHost.DEFAULT_TTL - 2));
        assertThat(a.counters().host().totalDrops()).isZero();
    }

    @Test
    void theElasticIpCountsPacketsAndBytesEachWayAndWhatItRefuses() throws Exception {
        start(IngressPolicy.DENY_ALL);
        int frameBytes = Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + Icmp.HEADER_LENGTH + 100;

        PingResult out = vm.ping(INTERNET_IP, 3, TIMEOUT, 100, false).get(10, TimeUnit.SECONDS);
        PingResult in = internet.ping(EIP, 2, SHORT).get(10, TimeUnit.SECONDS);

        assertThat(out.received()).isEqualTo(3);
        assertThat(in.received()).isZero();
        TrafficSnapshot eip = a.counters().elasticIp(EIP.toString());
        assertThat(eip.packetsOut()).as("requests translated from the instance").isEqualTo(3);
        assertThat(eip.bytesOut()).isEqualTo(3L * frameBytes);
        assertThat(eip.packetsIn())
                .as("replies translated toward it; refused pings not")
                .isEqualTo(3);
        assertThat(eip.bytesIn()).isEqualTo(3L * frameBytes);
        assertThat(eip.dropped(DropReason.EIP_INGRESS_DENIED)).isEqualTo(2);
        assertThat(eip.totalDrops()).isEqualTo(2);
        assertThat(b.counters().elasticIps())
                .as("counted where the NAT happens only")
                .isEmpty();
    }

    @Test
    void theInternetSeesTheElasticIpAsSourceWithValidChecksums() throws Exception {
        start(IngressPolicy.DENY_ALL);

        vm.echo(RAW_IP, 64, SHORT);
        byte[] frame = raw.take(TIMEOUT);

        assertThat(frame).isNotNull();
        var buf = Unpooled.wrappedBuffer(frame);
        int ip = Ethernet.HEADER_LENGTH;
        assertThat(Ethernet.source(buf, 0)).isEqualTo(PUBLIC_ROUTER_MAC.bits());
        assertThat(Ipv4.source(buf, ip)).isEqualTo(EIP.bits());
        assertThat(Ipv4.destination(buf, ip)).isEqualTo(RAW_IP.bits());
        assertThat(Ipv4.ttl(buf, ip)).isEqualTo(SimulatedHost.DEFAULT_TTL - 1);
        assertThat(Ipv4.verifyChecksum(buf, ip)).isTrue();
        int icmp = ip + Ipv4.headerLength(buf, ip);
        assertThat(Icmp.type(buf, icmp)).isEqualTo(IcmpType.ECHO_REQUEST_VALUE);
        assertThat(Icmp.verifyChecksum(buf, icmp, Ipv4.totalLength(buf, ip) - Ipv4.headerLength(buf, ip)))
                .isTrue();
    }

    @Test
    void denyAllDropsUnsolicitedInboundAndCountsIt() throws Exception {
        start(IngressPolicy.DENY_ALL);
        vm.openTcpPort(22);

        PingResult ping = internet.ping(EIP, 2, SHORT).get(10, TimeUnit.SECONDS);
        PortState ssh = internet.probeTcp(EIP, 22, SHORT).get(10, TimeUnit.SECONDS);

        assertThat(ping.received()).isZero();
        assertThat(ssh).isNotEqualTo(PortState.OPEN);
        assertThat(a.counters().segment(PUBLIC_VNI).dropped(DropReason.EIP_INGRESS_DENIED))
                .isEqualTo(3);
        assertThat(a.counters().port("vm").packetsOut()).isZero();
    }

    @Test
    void allowAllLetsTheInternetReachTheInstanceAtItsElasticIp() throws Exception {
        start(IngressPolicy.ALLOW_ALL);
        vm.openTcpPort(22);
        vm.udpEcho(7);

        PingResult ping = internet.ping(EIP, 2, TIMEOUT).get(10, TimeUnit.SECONDS);
        PortState ssh = internet.probeTcp(EIP, 22, TIMEOUT).get(10, TimeUnit.SECONDS);
        ProbeReply echo = internet.udpRequest(EIP, 7, "hello".getBytes(StandardCharsets.US_ASCII), TIMEOUT)
                .get(10, TimeUnit.SECONDS);

        assertThat(ping.received()).isEqualTo(2);
        assertThat(ping.probes()).allSatisfy(p -> assertThat(p.from()).isEqualTo(EIP));
        assertThat(ssh).isEqualTo(PortState.OPEN);
        assertThat(echo.from()).isEqualTo(EIP);
        assertThat(new String(echo.payload(), StandardCharsets.US_ASCII)).isEqualTo("hello");
    }

    @Test
    void repliesOfOutboundTcpAndUdpPassDenyAllWithRewrittenChecksums() throws Exception {
        start(IngressPolicy.DENY_ALL);
        internet.openTcpPort(443);
        internet.udpEcho(53);

        PortState https = vm.probeTcp(INTERNET_IP, 443, TIMEOUT).get(10, TimeUnit.SECONDS);
        ProbeReply dns = vm.udpRequest(INTERNET_IP, 53, "query".getBytes(StandardCharsets.US_ASCII), TIMEOUT)
                .get(10, TimeUnit.SECONDS);

        assertThat(https).isEqualTo(PortState.OPEN);
        assertThat(dns.from()).isEqualTo(INTERNET_IP);
        assertThat(new String(dns.payload(), StandardCharsets.US_ASCII)).isEqualTo("query");
        assertThat(a.counters().host().totalDrops()).isZero();
    }

    @Test
    void anInstanceWithoutAnElasticIpHasNoRouteToTheInternet() throws Exception {
        start(IngressPolicy.ALLOW_ALL);
        a.apply(table(underlayA, "B", underlayB, IngressPolicy.ALLOW_ALL)
                .generation(2)
                .port(LocalPort.simulated("vm", Vni.of(VPC_VNI), VM_MAC, VM_IP, 24, VPC_GATEWAY))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), INTERNET_MAC, "B"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), RAW_MAC, "B"))
                .build());

        PingResult out = vm.ping(INTERNET_IP, 1, SHORT).get(10, TimeUnit.SECONDS);
        PingResult in = internet.ping(EIP, 1, SHORT).get(10, TimeUnit.SECONDS);

        assertThat(out.received()).isZero();
        assertThat(in.received()).isZero();
        assertThat(a.counters().port("vm").dropped(DropReason.NO_ROUTE)).isEqualTo(1);
        assertThat(a.counters().segment(PUBLIC_VNI).dropped(DropReason.NO_LOCAL_PORT))
                .isEqualTo(1);
    }
}
