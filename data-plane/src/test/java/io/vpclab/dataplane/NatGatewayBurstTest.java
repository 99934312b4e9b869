package io.vpclab.dataplane;

import static io.vpclab.dataplane.NatGatewayTest.INTERNET_IP;
import static io.vpclab.dataplane.NatGatewayTest.INTERNET_MAC;
import static io.vpclab.dataplane.NatGatewayTest.NAT_GATEWAY_IP;
import static io.vpclab.dataplane.NatGatewayTest.NAT_IP;
import static io.vpclab.dataplane.NatGatewayTest.NAT_MAC;
import static io.vpclab.dataplane.NatGatewayTest.NAT_PUBLIC;
import static io.vpclab.dataplane.NatGatewayTest.NAT_SUBNET;
import static io.vpclab.dataplane.NatGatewayTest.NAT_VNI;
import static io.vpclab.dataplane.NatGatewayTest.PRIVATE_GATEWAY;
import static io.vpclab.dataplane.NatGatewayTest.PRIVATE_SUBNET;
import static io.vpclab.dataplane.NatGatewayTest.PRIVATE_VNI;
import static io.vpclab.dataplane.NatGatewayTest.PUBLIC_GATEWAY;
import static io.vpclab.dataplane.NatGatewayTest.PUBLIC_ROUTER_MAC;
import static io.vpclab.dataplane.NatGatewayTest.PUBLIC_VNI;
import static io.vpclab.dataplane.NatGatewayTest.VM1_IP;
import static io.vpclab.dataplane.NatGatewayTest.VM1_MAC;
import static io.vpclab.dataplane.NatGatewayTest.VPC_ROUTER_MAC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.offload.TestFrames;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.pipeline.NatGatewayTable;
import io.vpclab.dataplane.port.InMemoryFrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.table.DefaultRoute;
import io.vpclab.dataplane.table.EgressPolicy;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.NatGateway;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.tap.InMemoryVnetDevice;
import io.vpclab.dataplane.tap.SegmentingTapPort;
import io.vpclab.dataplane.tap.TapOffloads;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import io.vpclab.dataplane.underlay.Underlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A 64 KB TSO burst through a NAT gateway placed on the instance's own host A, as one unit: the
 * VPC router, then the gateway's session (found once; the flow's SYN, a frame of its own, made
 * it), the public address and port as source (partial checksum: pseudo-header update for the
 * address, nothing for the port), TTL - 1 per hop, and one GSO send toward the internet host on I.
 * Checksums are verified by recomputing them byte by byte ({@link TestFrames}).
 */
class NatGatewayBurstTest {

    private static final int MSS = 1398;
    private static final int SEGMENTS = 21;
    /** Payload per datagram of a USO burst: with 42 bytes of headers, a frame as large as the inner MTU allows. */
    private static final int UDP_GSO_SIZE = 1422;

    private static final int HEADER = TapOffloads.VNET_HEADER_BYTES;
    private static final MacAddress NEAR_MAC = MacAddress.parse("02:00:c6:33:64:1e");
    private static final Ipv4Address NEAR_IP = Ipv4Address.parse("198.51.100.30");
    /** An instance in the gateway's own subnet on A: what it sends to the gateway's MAC is bridged, not routed. */
    private static final MacAddress NEIGHBOUR_MAC = MacAddress.parse("02:00:0a:00:01:14");

    private static final Ipv4Address NEIGHBOUR_IP = Ipv4Address.parse("10.0.1.20");
    private static final TapOffloads TSO = new TapOffloads(
            true, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4);

    private final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    private final AtomicInteger gsoSendsFromA = new AtomicInteger();
    private final Underlay underlayA =
            new CountingGsoSends(hub.join(new InetSocketAddress("10.255.0.1", Vxlan.PORT)), gsoSendsFromA);
    private final Underlay underlayI = hub.join(new InetSocketAddress("10.255.0.3", Vxlan.PORT));
    private final Vtep a = new Vtep(underlayA);
    private final Vtep i = new Vtep(underlayI);
    private final InMemoryVnetDevice vmTap = new InMemoryVnetDevice("vm1", TSO);
    private final InMemoryVnetDevice internetTap = new InMemoryVnetDevice("internet", TSO);
    private final InMemoryVnetDevice nearTap = new InMemoryVnetDevice("near", TSO);
    private SegmentingTapPort near;
    private SegmentingTapPort vm1;
    private final InMemoryFrameDevice neighbour = new InMemoryFrameDevice("neighbour");
    private final TestFrames.Spec spec = new TestFrames.Spec();
    private final byte[] payload = TestFrames.pattern(20 * MSS + 100, 11);

    void start(EgressPolicy egress) {
        a.apply(common(underlayA, "I", underlayI)
                .segment(new Segment(Vni.of(NAT_VNI), NAT_SUBNET, NAT_GATEWAY_IP, "r1", List.of(), null))
                .segment(new Segment(Vni.of(PRIVATE_VNI), PRIVATE_SUBNET, PRIVATE_GATEWAY, "r1", List.of(), null))
                .segment(new Segment(Vni.of(PUBLIC_VNI), null, PUBLIC_GATEWAY, "public", List.of("I"), null))
                .router(new Router(
                        "r1",
                        VPC_ROUTER_MAC,
                        List.of(
                                new Route(NAT_SUBNET, Vni.of(NAT_VNI)),
                                new Route(PRIVATE_SUBNET, Vni.of(PRIVATE_VNI)))))
                .port(LocalPort.simulated("vm1", Vni.of(PRIVATE_VNI), VM1_MAC, VM1_IP, 24, PRIVATE_GATEWAY))
                .port(NatGatewayTable.port(NAT_GATEWAY_IP))
                .natGateway(NatGatewayTable.gateway(
                        NatGateway.DEFAULT_PORT_MIN, NatGateway.DEFAULT_PORT_MAX, 60, egress, null))
                .defaultRoute(new DefaultRoute(Vni.of(PRIVATE_VNI), Vni.of(NAT_VNI), NAT_IP))
                .binding(new IpBinding(Vni.of(NAT_VNI), NAT_IP, NAT_MAC))
                .binding(new IpBinding(Vni.of(PRIVATE_VNI), VM1_IP, VM1_MAC))
                .port(LocalPort.simulated("near", Vni.of(PUBLIC_VNI), NEAR_MAC, NEAR_IP, 24, PUBLIC_GATEWAY))
                .port(LocalPort.simulated(
                        "neighbour", Vni.of(NAT_VNI), NEIGHBOUR_MAC, NEIGHBOUR_IP, 24, NAT_GATEWAY_IP))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), NEAR_IP, NEAR_MAC))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), INTERNET_MAC, "I"))
                .build());
        i.apply(common(underlayI, "A", underlayA)
                .segment(new Segment(Vni.of(PUBLIC_VNI), null, PUBLIC_GATEWAY, "public", List.of("A"), null))
                .port(LocalPort.simulated(
                        "internet", Vni.of(PUBLIC_VNI), INTERNET_MAC, INTERNET_IP, 24, PUBLIC_GATEWAY))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), NAT_MAC, "A"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), NEAR_MAC, "A"))
                .build());
        vm1 = new SegmentingTapPort(vmTap, 1518, PooledByteBufAllocator.DEFAULT);
        a.attachPort("vm1", vm1);
        i.attachPort("internet", new SegmentingTapPort(internetTap, 1518, PooledByteBufAllocator.DEFAULT));
        near = new SegmentingTapPort(nearTap, 1518, PooledByteBufAllocator.DEFAULT);
        a.attachPort("near", near);
        a.attachPort("neighbour", neighbour);
        spec.sourceMac = VM1_MAC.bits();
        spec.sourceIp = VM1_IP.bits();
        spec.destinationMac = VPC_ROUTER_MAC.bits();
        spec.destinationIp = INTERNET_IP.bits();
    }

    private static ForwardingState.Builder common(Underlay own, String peer, Underlay other) {
        return ForwardingState.builder()
                .generation(1)
                .host(new TableHost(TwoVteps.address(own), own.localAddress().getPort(), 1500))
                .vtep(new RemoteVtep(
                        peer, TwoVteps.address(other), other.localAddress().getPort()))
                .publicVni(Vni.of(PUBLIC_VNI))
                .router(TwoVteps.publicRouter(PUBLIC_ROUTER_MAC, PUBLIC_VNI))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), INTERNET_IP, INTERNET_MAC))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), NAT_PUBLIC, NAT_MAC));
    }

    /** Sends vm1's SYN, which opens the session; returns the session's public port, read where the SYN arrived. */
    private int openSession(InMemoryVnetDevice arrival) throws InterruptedException {
        vmTap.inject(syn());
        byte[] synOut = arrival.take(Duration.ofSeconds(5));
        assertThat(synOut).as("the SYN made the session").isNotNull();
        return Unpooled.wrappedBuffer(synOut).getUnsignedShort(HEADER + Ethernet.HEADER_LENGTH + 20);
    }

    @AfterEach
    void stop() {
        a.close();
        i.close();
    }

    @Test
    void aBurstOfAnOpenSessionIsTranslatedOnceAndLeavesInOneGsoSend() throws Exception {
        start(EgressPolicy.ALLOW_ALL);
        int publicPort = openSession(internetTap);

        vmTap.inject(TestFrames.tsoInput(HEADER, spec, payload, MSS));

        byte[] written = internetTap.take(Duration.ofSeconds(5));
        assertThat(written).as("the burst at I").isNotNull();
        assertThat(VirtioNetHeader.gsoType(Unpooled.wrappedBuffer(written), 0)).isEqualTo(VirtioNetHeader.GSO_TCPV4);
        List<byte[]> segments = TestFrames.segmentsOf(HEADER, written);
        assertThat(segments).hasSize(SEGMENTS);
        byte[] joined = TestFrames.assertSegmentsAndJoin(segments, frame -> {
            assertThat(frame.getInt(Ethernet.HEADER_LENGTH + 12))
                    .as("source: the public address")
                    .isEqualTo(NAT_PUBLIC.bits());
            assertThat(frame.getUnsignedShort(Ethernet.HEADER_LENGTH + 20))
                    .as("source port: the session's")
                    .isEqualTo(publicPort);
            assertThat(frame.getUnsignedByte(Ethernet.HEADER_LENGTH + 8))
                    .as("TTL: the router and the gateway")
                    .isEqualTo((short) 62);
            assertThat(frame.getLong(6) >>> 16).as("source MAC").isEqualTo(PUBLIC_ROUTER_MAC.bits());
        });
        assertThat(joined).isEqualTo(payload);
        assertThat(gsoSendsFromA).as("translated whole: one GSO send").hasValue(1);
        NatGatewaySnapshot figures = a.natGateways(10).get(0);
        assertThat(figures.packetsOut())
                .as("the SYN and the burst's wire frames")
                .isEqualTo(1 + SEGMENTS);
        assertThat(figures.sessionsCreated()).isEqualTo(1);
        assertThat(a.counters().port("nat").packetsOut()).isEqualTo(1 + SEGMENTS);
        assertThat(a.counters().host().totalDrops()).isZero();
    }

    @Test
    void aReturnBurstFromTheUnderlayCrossesThePublicSideOnceAndIsWrittenWholeToTheInstance() throws Exception {
        start(EgressPolicy.ALLOW_ALL);
        int publicPort = openSession(internetTap);
        TestFrames.Spec reply = new TestFrames.Spec();
        reply.sourceMac = INTERNET_MAC.bits();
        reply.sourceIp = INTERNET_IP.bits();
        reply.sourcePort = spec.destinationPort;
        reply.destinationMac = PUBLIC_ROUTER_MAC.bits();
        reply.destinationIp = NAT_PUBLIC.bits();
        reply.destinationPort = publicPort;

        internetTap.inject(TestFrames.tsoInput(HEADER, reply, payload, MSS));

        byte[] written = vmTap.take(Duration.ofSeconds(5));
        assertThat(written).as("the burst at the instance").isNotNull();
        assertThat(vm1.burstsWrittenWhole())
                .as("one TAP write of the burst, handed over whole by the pipeline")
                .isEqualTo(1);
        assertThat(vm1.coalescerFramesIn())
                .as("no frame reached the TAP one by one")
                .isZero();
        assertThat(VirtioNetHeader.gsoType(Unpooled.wrappedBuffer(written), 0)).isEqualTo(VirtioNetHeader.GSO_TCPV4);
        TestFrames.assertWholeBurstChecksums(HEADER, written);
        List<byte[]> segments = TestFrames.segmentsOf(HEADER, written);
        assertThat(segments).hasSize(SEGMENTS);
        byte[] joined = TestFrames.assertSegmentsAndJoin(segments, frame -> {
            assertThat(frame.getInt(Ethernet.HEADER_LENGTH + 16))
                    .as("destination: the instance")
                    .isEqualTo(VM1_IP.bits());
            assertThat(frame.getUnsignedShort(Ethernet.HEADER_LENGTH + 22))
                    .as("destination port: the instance's")
                    .isEqualTo(spec.sourcePort);
            assertThat((int) frame.getUnsignedByte(Ethernet.HEADER_LENGTH + 8))
                    .as("TTL: the public router at I, the gateway at A")
                    .isEqualTo(reply.ttl - 2);
            assertThat(frame.getLong(0) >>> 16).as("destination MAC").isEqualTo(VM1_MAC.bits());
            assertThat(frame.getLong(6) >>> 16).as("source MAC").isEqualTo(VPC_ROUTER_MAC.bits());
        });
        assertThat(joined).isEqualTo(payload);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.counters().port("vm1").packetsOut() == SEGMENTS);
        assertThat(a.natGateways(10).get(0).packetsIn())
                .as("the session counts the burst's wire frames")
                .isEqualTo(SEGMENTS);
        assertThat(a.counters().host().totalDrops()).isZero();
    }

    @Test
    void aBurstToAnInternetHostOnTheGatewaysHostIsWrittenWholeAndItsPartialChecksumFinishesRight() throws Exception {
        start(EgressPolicy.ALLOW_ALL);
        spec.destinationIp = NEAR_IP.bits();
        int publicPort = openSession(nearTap);
        byte[] input = TestFrames.tsoInput(HEADER, spec, payload, MSS);

        vmTap.inject(input);

        byte[] written = nearTap.take(Duration.ofSeconds(5));
        ByteBuf burst = Unpooled.wrappedBuffer(TestFrames.assertWrittenWhole(near, input, written));
        assertThat(burst.getInt(Ethernet.HEADER_LENGTH + 12)).isEqualTo(NAT_PUBLIC.bits());
        assertThat(burst.getUnsignedShort(Ethernet.HEADER_LENGTH + 20)).isEqualTo(publicPort);
        assertThat(gsoSendsFromA).hasValue(0);
    }

    @Test
    void aBurstWithoutASessionUnderAWhitelistWithoutAFilterIsDroppedAndCountedPerFrame() throws Exception {
        start(EgressPolicy.WHITELIST);

        vmTap.inject(TestFrames.tsoInput(HEADER, spec, payload, MSS));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.counters().host().dropped(DropReason.NAT_EGRESS_DENIED) == SEGMENTS);
        assertThat(a.natGateways(10).get(0).drops()).containsEntry(DropReason.NAT_EGRESS_DENIED, (long) SEGMENTS);
        assertThat(gsoSendsFromA).hasValue(0);
        assertThat(internetTap.pending()).isZero();
    }

    @Test
    void aUdpBurstOfAnOpenSessionIsTranslatedOnceWithEveryDatagramValid() throws Exception {
        start(EgressPolicy.ALLOW_ALL);
        spec.destinationPort = 33000;
        // the flow's first datagram, a frame of its own, opens the session
        vmTap.inject(TestFrames.concat(
                TestFrames.virtio(HEADER, 0, 0, 0, 0, 0, 0), TestFrames.udpFrame(spec, new byte[] {1, 2, 3}, true)));
        byte[] first = internetTap.take(Duration.ofSeconds(5));
        assertThat(first).as("the first datagram made the session").isNotNull();
        int publicPort = Unpooled.wrappedBuffer(first).getUnsignedShort(HEADER + Ethernet.HEADER_LENGTH + 20);
        byte[] datagrams = TestFrames.pattern(20 * UDP_GSO_SIZE + 100, 12);

        vmTap.inject(TestFrames.usoInput(HEADER, spec, datagrams, UDP_GSO_SIZE));

        byte[] joined = TestFrames.assertDatagramsAndJoin(TestFrames.takeSingleFrames(internetTap, SEGMENTS), frame -> {
            assertThat(frame.getInt(Ethernet.HEADER_LENGTH + 12))
                    .as("source: the public address")
                    .isEqualTo(NAT_PUBLIC.bits());
            assertThat(frame.getUnsignedShort(Ethernet.HEADER_LENGTH + 20))
                    .as("source port: the session's")
                    .isEqualTo(publicPort);
            assertThat(frame.getUnsignedByte(Ethernet.HEADER_LENGTH + 8))
                    .as("TTL: the router and the gateway")
                    .isEqualTo((short) 62);
            assertThat(frame.getLong(6) >>> 16).as("source MAC").isEqualTo(PUBLIC_ROUTER_MAC.bits());
        });
        assertThat(joined).isEqualTo(datagrams);
        assertThat(gsoSendsFromA).as("translated whole: one GSO send").hasValue(1);
        NatGatewaySnapshot figures = a.natGateways(10).get(0);
        assertThat(figures.packetsOut())
                .as("the first datagram and the burst's datagrams")
                .isEqualTo(1 + SEGMENTS);
        assertThat(figures.sessionsCreated()).isEqualTo(1);
        assertThat(a.counters().host().totalDrops()).isZero();
    }

    @Test
    void aUdpBurstWithoutASessionUnderAWhitelistWithoutAFilterIsDroppedAndCountedPerDatagram() throws Exception {
        start(EgressPolicy.WHITELIST);

        vmTap.inject(TestFrames.usoInput(HEADER, spec, TestFrames.pattern(20 * UDP_GSO_SIZE + 100, 13), UDP_GSO_SIZE));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.counters().host().dropped(DropReason.NAT_EGRESS_DENIED) == SEGMENTS);
        assertThat(a.natGateways(10).get(0).drops()).containsEntry(DropReason.NAT_EGRESS_DENIED, (long) SEGMENTS);
        assertThat(gsoSendsFromA).hasValue(0);
        assertThat(internetTap.pending()).isZero();
    }

    /**
     * The gateway's port has no device: a frame bridged to it (L2Forwarder, not the router) is
     * handed to the gateway stage by PublicAddresses, never to Forwarding.toPort, so the gateway
     * refuses it (the neighbour's subnet is not associated) and no port is missing.
     */
    @Test
    void aFrameBridgedToTheGatewaysPortReachesTheGatewayStage() {
        start(EgressPolicy.ALLOW_ALL);
        TestFrames.Spec s = new TestFrames.Spec();
        s.sourceMac = NEIGHBOUR_MAC.bits();
        s.sourceIp = NEIGHBOUR_IP.bits();
        s.destinationMac = NAT_MAC.bits();
        s.destinationIp = INTERNET_IP.bits();
        s.flags = 0x02;

        neighbour.inject(TestFrames.frame(s, new byte[0], true));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.counters().host().dropped(DropReason.NAT_SOURCE_REFUSED) == 1);
        assertThat(a.natGateways(10).get(0).drops()).containsEntry(DropReason.NAT_SOURCE_REFUSED, 1L);
        assertThat(a.counters().port("nat").packetsOut())
                .as("delivered to the gateway's port")
                .isEqualTo(1);
        assertThat(a.counters().host().dropped(DropReason.NO_LOCAL_PORT)).isZero();
        assertThat(internetTap.pending()).isZero();
    }

    /** The flow's SYN, a frame of its own with a complete checksum and a header that asks nothing. */
    private byte[] syn() {
        TestFrames.Spec s = new TestFrames.Spec();
        s.sourceMac = spec.sourceMac;
        s.sourceIp = spec.sourceIp;
        s.destinationMac = spec.destinationMac;
        s.destinationIp = spec.destinationIp;
        s.sequence = spec.sequence - 1;
        s.flags = 0x02;
        return TestFrames.concat(TestFrames.virtio(HEADER, 0, 0, 0, 0, 0, 0), TestFrames.frame(s, new byte[0], true));
    }
}
