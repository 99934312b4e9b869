package io.vpclab.dataplane;

import static io.vpclab.dataplane.TwoVteps.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.host.PortState;
import io.vpclab.dataplane.host.ProbeReply;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.host.TracerouteProbe;
import io.vpclab.dataplane.host.TracerouteResult;
import io.vpclab.dataplane.packet.Arp;
import io.vpclab.dataplane.packet.ArpOperation;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.InMemoryFrameDevice;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two VTEPs over an in-memory underlay with simulated hosts: real frames, no root. */
class VtepTest {

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final Duration SHORT = Duration.ofMillis(300);
    static final InetSocketAddress ADDRESS_A = new InetSocketAddress("10.255.0.1", Vxlan.PORT);
    static final InetSocketAddress ADDRESS_B = new InetSocketAddress("10.255.0.2", Vxlan.PORT);
    static final MacAddress RAW_MAC = MacAddress.parse("02:00:0a:00:01:14");
    static final Ipv4Address RAW_IP = Ipv4Address.parse("10.0.1.20");

    InMemoryUnderlay.Hub hub;
    TwoVteps net;
    InMemoryFrameDevice raw;

    @BeforeEach
    void start() {
        hub = new InMemoryUnderlay.Hub();
        LocalPort rawPort = LocalPort.simulated("raw", Vni.of(TwoVteps.VNI_1), RAW_MAC, RAW_IP, 24, TwoVteps.GATEWAY_1);
        net = new TwoVteps(name -> hub.join(name.equals("A") ? ADDRESS_A : ADDRESS_B), 1500, List.of(rawPort));
        raw = new InMemoryFrameDevice("raw");
        net.a.attachPort("raw", raw);
    }

    @AfterEach
    void stop() {
        net.close();
    }

    @Test
    void pingsAcrossVtepsOnOneSubnetWithArpAnsweredLocally() throws Exception {
        PingResult result = net.host("h1").ping(ip("h4"), 3, TIMEOUT).get(10, TimeUnit.SECONDS);

        assertThat(result.received()).isEqualTo(3);
        assertThat(result.probes()).allSatisfy(p -> assertThat(p.from()).isEqualTo(ip("h4")));
        assertThat(result.probes()).allSatisfy(p -> assertThat(p.ttl()).isEqualTo(SimulatedHost.DEFAULT_TTL));
        CountersSnapshot a = net.a.counters();
        assertThat(a.port("h1").arpRepliesSuppressed()).isEqualTo(1);
        assertThat(a.segment(TwoVteps.VNI_1).floods()).isZero();
        assertThat(net.b.counters().port("h4").arpRepliesSuppressed()).isEqualTo(1);
        assertThat(a.host().packetsOut()).isEqualTo(3);
        assertThat(a.host().totalDrops()).isZero();
    }

    @Test
    void arpForAnUnboundAddressIsDroppedAndCountedNeverFlooded() throws Exception {
        PingResult result =
                net.host("h1").ping(Ipv4Address.parse("10.0.1.99"), 1, SHORT).get(10, TimeUnit.SECONDS);

        assertThat(result.received()).isZero();
        CountersSnapshot a = net.a.counters();
        assertThat(a.port("h1").dropped(DropReason.ARP_UNKNOWN_BINDING)).isEqualTo(1);
        assertThat(a.host().packetsOut()).isZero();
        assertThat(net.b.counters().host().packetsIn()).isZero();
    }

    @Test
    void tracerouteBetweenSubnetsShowsExactlyTheGateway() throws Exception {
        TracerouteResult udp = net.host("h1")
                .traceroute(ip("h2"), 8, TracerouteProbe.UDP, TIMEOUT)
                .get(20, TimeUnit.SECONDS);
        TracerouteResult icmp = net.host("h1")
                .traceroute(ip("h2"), 8, TracerouteProbe.ICMP_ECHO, TIMEOUT)
                .get(20, TimeUnit.SECONDS);

        for (TracerouteResult trace : List.of(udp, icmp)) {
            assertThat(trace.reached()).isTrue();
            assertThat(trace.intermediateHops()).containsExactly(TwoVteps.GATEWAY_1);
            assertThat(trace.hops().get(0).kind()).isEqualTo(ProbeReply.Kind.TIME_EXCEEDED);
        }
        assertThat(udp.hops().get(1).kind()).isEqualTo(ProbeReply.Kind.UNREACHABLE);
        assertThat(icmp.hops().get(1).kind()).isEqualTo(ProbeReply.Kind.ECHO_REPLY);
        assertThat(net.a.counters().port("h1").dropped(DropReason.TTL_EXCEEDED)).isEqualTo(2);
    }

    @Test
    void routedPacketsLoseOneTtlAndTtlOneIsAnsweredByTheGateway() throws Exception {
        ProbeReply expired = net.host("h1").echo(ip("h2"), 1, TIMEOUT).get(10, TimeUnit.SECONDS);
        ProbeReply routed = net.host("h1").echo(ip("h2"), 2, TIMEOUT).get(10, TimeUnit.SECONDS);
        ProbeReply sameHostRouted = net.host("h1").echo(ip("h3"), 64, TIMEOUT).get(10, TimeUnit.SECONDS);

        assertThat(expired.kind()).isEqualTo(ProbeReply.Kind.TIME_EXCEEDED);
        assertThat(expired.from()).isEqualTo(TwoVteps.GATEWAY_1);
        assertThat(routed.kind()).isEqualTo(ProbeReply.Kind.ECHO_REPLY);
        assertThat(routed.ttl()).isEqualTo(SimulatedHost.DEFAULT_TTL - 1); // the reply was routed once, at B
        assertThat(sameHostRouted.kind()).isEqualTo(ProbeReply.Kind.ECHO_REPLY);
        assertThat(sameHostRouted.ttl()).isEqualTo(SimulatedHost.DEFAULT_TTL - 1);
    }

    @Test
    void theRouterAnswersPingOnItsGatewayAddresses() throws Exception {
        PingResult own = net.host("h1").ping(TwoVteps.GATEWAY_1, 2, TIMEOUT).get(10, TimeUnit.SECONDS);
        PingResult other = net.host("h1").ping(TwoVteps.GATEWAY_2, 1, TIMEOUT).get(10, TimeUnit.SECONDS);

        assertThat(own.received()).isEqualTo(2);
        assertThat(other.received()).isEqualTo(1);
        assertThat(other.probes().get(0).from()).isEqualTo(TwoVteps.GATEWAY_2);
    }

    @Test
    void tenantsWithTheSameAddressesNeverCross() throws Exception {
        long h4Before = net.b.counters().port("h4").packetsOut();

        PingResult tenant2 = net.host("t2a").ping(ip("t2b"), 2, TIMEOUT).get(10, TimeUnit.SECONDS);

        assertThat(tenant2.received()).isEqualTo(2);
        CountersSnapshot b = net.b.counters();
        assertThat(b.port("h4").packetsOut()).isEqualTo(h4Before);
        assertThat(b.port("t2b").packetsIn()).isEqualTo(3); // one ARP request (answered locally) + two echo replies
        // two requests decapsulated, plus the ARP request and two replies from t2b's port
        assertThat(b.segment(TwoVteps.VNI_TENANT_2).packetsIn()).isEqualTo(2 + 1 + 2);
        assertThat(b.segment(TwoVteps.VNI_1).packetsIn()).isZero();
        // tenant 2 has no router: the other tenant's gateway does not answer it
        assertThat(net.host("t2a")
                        .ping(TwoVteps.GATEWAY_1, 1, SHORT)
                        .get(10, TimeUnit.SECONDS)
                        .received())
                .isZero();
    }

    @Test
    void datagramsFromUnknownVtepsUnknownVnisOrWithoutTheIFlagAreDroppedByReason() {
        InetSocketAddress stranger = new InetSocketAddress("10.255.0.99", Vxlan.PORT);
        hub.inject(stranger, ADDRESS_A, vxlan(Vxlan.FLAG_I, TwoVteps.VNI_1, 60));
        hub.inject(ADDRESS_B, ADDRESS_A, vxlan(Vxlan.FLAG_I, 999, 60));
        hub.inject(ADDRESS_B, ADDRESS_A, vxlan(0, TwoVteps.VNI_1, 60));
        hub.inject(ADDRESS_B, ADDRESS_A, vxlan(Vxlan.FLAG_I, TwoVteps.VNI_1, 13));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            CountersSnapshot a = net.a.counters();
            assertThat(a.host().dropped(DropReason.UNKNOWN_VTEP)).isEqualTo(1);
            assertThat(a.host().dropped(DropReason.UNKNOWN_VNI)).isEqualTo(1);
            assertThat(a.host().dropped(DropReason.NO_I_FLAG)).isEqualTo(1);
            assertThat(a.host().dropped(DropReason.TRUNCATED)).isEqualTo(1);
            assertThat(a.host().packetsIn()).isEqualTo(4);
        });
    }

    @Test
    void vniReservedBitsAreIgnoredOnReceive() throws Exception {
        ByteBuf datagram = vxlan(Vxlan.FLAG_I, TwoVteps.VNI_1, 60);
        datagram.setByte(datagram.readerIndex() + 1, 0xFF); // reserved, must be ignored (RFC 7348 s5)
        datagram.setByte(datagram.readerIndex() + 7, 0xFF);
        Ethernet.setDestination(datagram, datagram.readerIndex() + Vxlan.HEADER_LENGTH, RAW_MAC.bits());

        hub.inject(ADDRESS_B, ADDRESS_A, datagram);

        assertThat(raw.take(Duration.ofSeconds(5))).hasSize(60);
    }

    @Test
    void aBroadcastArpFromAPeerWithoutSuppressionIsDeliveredAndAnsweredByTheInstance() {
        // A kernel vxlan peer does not answer ARP itself: it floods the request to us.
        byte[] request = arpRequest(macOf("h4"), ip("h4").bits(), ip("h1").bits());
        ByteBuf datagram = ByteBufAllocator.DEFAULT.directBuffer(Vxlan.HEADER_LENGTH + request.length);
        datagram.writerIndex(Vxlan.HEADER_LENGTH);
        Vxlan.write(datagram, 0, TwoVteps.VNI_1);
        datagram.writeBytes(request);

        hub.inject(ADDRESS_B, ADDRESS_A, datagram);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            CountersSnapshot a = net.a.counters();
            assertThat(a.port("h1").packetsOut()).isEqualTo(1); // the request
            assertThat(a.port("raw").packetsOut()).isEqualTo(1); // broadcast: every local port of the segment
            assertThat(a.port("h3").packetsOut()).isZero();
            assertThat(a.port("h1").packetsIn()).isEqualTo(1); // h1's unicast reply ...
            assertThat(a.host().packetsOut()).isEqualTo(1); // ... tunnelled back to B
            assertThat(net.b.counters().port("h4").packetsOut()).isEqualTo(1);
        });
        assertThat(net.a.counters().host().totalDrops()).isZero();
    }

    @Test
    void spoofedSourcesAreDropped() {
        raw.inject(ipv4Frame(MacAddress.parse("02:00:0a:00:01:99").bits(), RAW_IP.bits(), ip("h4").bits(), 100));
        raw.inject(ipv4Frame(RAW_MAC.bits(), ip("h1").bits(), ip("h4").bits(), 100));
        raw.inject(arpRequest(RAW_MAC.bits(), ip("h1").bits(), ip("h4").bits()));

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(net.a.counters().port("raw").dropped(DropReason.SPOOFED_SOURCE))
                        .isEqualTo(3));
        assertThat(net.a.counters().host().packetsOut()).isZero();
    }

    @Test
    void oversizeFramesAreDroppedNotFragmented() {
        int largest = 1500 - Vxlan.OVERHEAD; // inner IP packet that still fits an underlay MTU of 1500
        raw.inject(ipv4Frame(RAW_MAC.bits(), RAW_IP.bits(), ip("h4").bits(), largest + 1, macOf("h4")));
        raw.inject(ipv4Frame(RAW_MAC.bits(), RAW_IP.bits(), ip("h4").bits(), largest, macOf("h4")));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(net.a.counters().port("raw").dropped(DropReason.OVERSIZE))
                    .isEqualTo(1);
            assertThat(net.b.counters().port("h4").packetsOut()).isEqualTo(1);
            assertThat(net.b.counters().port("h4").bytesOut()).isEqualTo(Ethernet.HEADER_LENGTH + largest);
        });
    }

    @Test
    void broadcastFloodsToTheFloodListAndLocalPorts() {
        raw.inject(ipv4Frame(RAW_MAC.bits(), RAW_IP.bits(), 0xFFFF_FFFF, 100, MacAddress.BROADCAST.bits()));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            CountersSnapshot a = net.a.counters();
            assertThat(a.segment(TwoVteps.VNI_1).floods()).isEqualTo(1);
            assertThat(a.host().packetsOut()).isEqualTo(1); // one copy per flood-list VTEP
            assertThat(a.port("h1").packetsOut()).isEqualTo(1); // and every other local port of the segment
            assertThat(a.port("h3").packetsOut()).isZero(); // never another segment
            assertThat(net.b.counters().port("h4").packetsOut()).isEqualTo(1);
            assertThat(net.b.counters().port("h2").packetsOut()).isZero();
        });
    }

    @Test
    void tcpProbeTellsOpenClosedAndFilteredPorts() throws Exception {
        net.host("h2").openTcpPort(3306);

        assertThat(net.host("h1").probeTcp(ip("h2"), 3306, TIMEOUT).get(10, TimeUnit.SECONDS))
                .isEqualTo(PortState.OPEN);
        assertThat(net.host("h1").probeTcp(ip("h2"), 3307, TIMEOUT).get(10, TimeUnit.SECONDS))
                .isEqualTo(PortState.CLOSED);
        assertThat(net.host("h1")
                        .probeTcp(Ipv4Address.parse("10.0.2.99"), 3306, SHORT)
                        .get(10, TimeUnit.SECONDS))
                .isEqualTo(PortState.FILTERED);
        assertThat(net.a.counters().port("h1").dropped(DropReason.NO_ROUTE)).isEqualTo(1);
    }

    @Test
    void udpEchoAnswersOnItsPortAndOtherPortsAreUnreachable() throws Exception {
        net.host("h4").udpEcho(7);
        byte[] hello = "hello over vxlan".getBytes(StandardCharsets.US_ASCII);

        ProbeReply echoed =
                net.host("h1").udpRequest(ip("h4"), 7, hello, TIMEOUT).get(10, TimeUnit.SECONDS);
        ProbeReply refused =
                net.host("h1").udpRequest(ip("h4"), 9, hello, TIMEOUT).get(10, TimeUnit.SECONDS);

        assertThat(echoed.kind()).isEqualTo(ProbeReply.Kind.UDP_REPLY);
        assertThat(echoed.payload()).isEqualTo(hello);
        assertThat(refused.kind()).isEqualTo(ProbeReply.Kind.UNREACHABLE);
        assertThat(refused.from()).isEqualTo(ip("h4"));
    }

    @Test
    void aNewTableIsSwappedInWholeAndCountersSurvive() throws Exception {
        assertThat(net.host("h1")
                        .ping(ip("h4"), 1, TIMEOUT)
                        .get(10, TimeUnit.SECONDS)
                        .received())
                .isEqualTo(1);
        var withoutH4 = io.vpclab.dataplane.table.ForwardingState.builder()
                .generation(2)
                .host(net.a.state().host())
                .segment(io.vpclab.dataplane.table.Segment.l2(Vni.of(TwoVteps.VNI_1), List.of()))
                .port(net.a.state().ports().get(0))
                .build();

        net.a.apply(withoutH4);

        assertThat(net.a.state().generation()).isEqualTo(2);
        assertThat(net.host("h1")
                        .ping(ip("h4"), 1, SHORT)
                        .get(10, TimeUnit.SECONDS)
                        .received())
                .isZero();
        assertThat(net.a.counters().port("h1").packetsIn()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void capturesOnlyNamePortsOfTheTableOrTheUnderlay() {
        assertThatThrownBy(() -> net.a.startCapture("nope", java.nio.file.Path.of("target/nope.pcap")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no port nope");
    }

    // ---- frame builders -------------------------------------------------------------------

    static long macOf(String id) {
        return TwoVteps.INSTANCES.stream()
                .filter(i -> i.id().equals(id))
                .findFirst()
                .orElseThrow()
                .mac()
                .bits();
    }

    static ByteBuf vxlan(int flags, int vni, int innerLength) {
        ByteBuf datagram = ByteBufAllocator.DEFAULT.directBuffer(Vxlan.HEADER_LENGTH + innerLength);
        datagram.writeByte(flags).writeMedium(0).writeMedium(vni).writeByte(0);
        datagram.writeZero(innerLength);
        if (innerLength >= Ethernet.HEADER_LENGTH) {
            Ethernet.write(datagram, Vxlan.HEADER_LENGTH, RAW_MAC.bits(), macOf("h4"), EtherType.IPV6_VALUE);
        }
        return datagram;
    }

    static byte[] ipv4Frame(long sourceMac, int source, int destination, int ipLength) {
        return ipv4Frame(sourceMac, source, destination, ipLength, macOf("h4"));
    }

    /** An IPv4/UDP frame of {@code ipLength} bytes of IP packet (discard port, zero payload). */
    static byte[] ipv4Frame(long sourceMac, int source, int destination, int ipLength, long destinationMac) {
        ByteBuf frame = ByteBufAllocator.DEFAULT.heapBuffer(Ethernet.HEADER_LENGTH + ipLength);
        try {
            frame.writerIndex(Ethernet.HEADER_LENGTH + ipLength);
            int at = Ethernet.write(frame, 0, destinationMac, sourceMac, EtherType.IPV4_VALUE);
            at = Ipv4.write(frame, at, ipLength, 1, 64, IpProtocol.UDP_VALUE, source, destination);
            Udp.write(frame, at, 40000, 9, ipLength - Ipv4.MIN_HEADER_LENGTH);
            byte[] bytes = new byte[frame.readableBytes()];
            frame.getBytes(0, bytes);
            return bytes;
        } finally {
            frame.release();
        }
    }

    static byte[] arpRequest(long senderMac, int senderIp, int targetIp) {
        ByteBuf frame = ByteBufAllocator.DEFAULT.heapBuffer(Ethernet.HEADER_LENGTH + Arp.LENGTH);
        try {
            frame.writerIndex(Ethernet.HEADER_LENGTH + Arp.LENGTH);
            int at = Ethernet.write(frame, 0, MacAddress.BROADCAST.bits(), senderMac, EtherType.ARP_VALUE);
            Arp.write(frame, at, ArpOperation.REQUEST, senderMac, senderIp, 0, targetIp);
            byte[] bytes = new byte[frame.readableBytes()];
            frame.getBytes(0, bytes);
            return bytes;
        } finally {
            frame.release();
        }
    }
}
