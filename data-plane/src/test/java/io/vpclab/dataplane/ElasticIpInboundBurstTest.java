package io.vpclab.dataplane;

import static io.vpclab.dataplane.ElasticIpTest.EIP;
import static io.vpclab.dataplane.ElasticIpTest.INTERNET_IP;
import static io.vpclab.dataplane.ElasticIpTest.INTERNET_MAC;
import static io.vpclab.dataplane.ElasticIpTest.PUBLIC_GATEWAY;
import static io.vpclab.dataplane.ElasticIpTest.PUBLIC_ROUTER_MAC;
import static io.vpclab.dataplane.ElasticIpTest.PUBLIC_VNI;
import static io.vpclab.dataplane.ElasticIpTest.VM_IP;
import static io.vpclab.dataplane.ElasticIpTest.VM_MAC;
import static io.vpclab.dataplane.ElasticIpTest.VPC_GATEWAY;
import static io.vpclab.dataplane.ElasticIpTest.VPC_ROUTER_MAC;
import static io.vpclab.dataplane.ElasticIpTest.VPC_VNI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.offload.TestFrames;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ElasticIp;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.Whitelist;
import io.vpclab.dataplane.table.WhitelistProtocol;
import io.vpclab.dataplane.table.WhitelistRule;
import io.vpclab.dataplane.tap.InMemoryVnetDevice;
import io.vpclab.dataplane.tap.SegmentingTapPort;
import io.vpclab.dataplane.tap.TapOffloads;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import io.vpclab.dataplane.underlay.Underlay;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.Vni;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receive side of an elastic IP, per burst: an internet host on B sends a 64 KB TSO burst to
 * the elastic IP of instance vm on A; B carries it whole into one GSO send, A decapsulates the
 * segments, merges them before local delivery, and the elastic IP's inbound side (whitelist,
 * connection table, destination rewrite with the partial checksum's pseudo-header update, TTL,
 * MACs) runs once, ending in one TAP write of the whole burst. Checksums are verified by
 * recomputing them byte by byte ({@link TestFrames}), never with the code under test.
 */
class ElasticIpInboundBurstTest {

    private static final int MSS = 1398;
    private static final int SEGMENTS = 21;
    private static final int PAYLOAD = 20 * MSS + 100;
    private static final TapOffloads TSO = new TapOffloads(
            true, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4);
    private static final int HEADER = TapOffloads.VNET_HEADER_BYTES;
    private static final String WHITELIST = "wl-ssh";

    private final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    private final Underlay underlayA = hub.join(new InetSocketAddress("10.255.0.1", Vxlan.PORT));
    private final Underlay underlayB = hub.join(new InetSocketAddress("10.255.0.2", Vxlan.PORT));
    private final Vtep a = new Vtep(underlayA);
    private final Vtep b = new Vtep(underlayB);
    private final InMemoryVnetDevice internetTap = new InMemoryVnetDevice("internet", TSO);
    private InMemoryVnetDevice vmTap = new InMemoryVnetDevice("vm", TSO);
    private SegmentingTapPort vm;
    private final TestFrames.Spec spec = new TestFrames.Spec();

    @TempDir
    Path dir;

    void start(IngressPolicy policy) {
        a.apply(ElasticIpTest.table(underlayA, "B", underlayB, policy)
                .port(LocalPort.simulated("vm", Vni.of(VPC_VNI), VM_MAC, VM_IP, 24, VPC_GATEWAY))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), INTERNET_MAC, "B"))
                .whitelist(new Whitelist(
                        WHITELIST,
                        List.of(new WhitelistRule(
                                "ssh", WhitelistProtocol.TCP, Ipv4Prefix.parse("198.51.100.0/24"), 22, 22))))
                .elasticIp(
                        policy == IngressPolicy.WHITELIST
                                ? new ElasticIp(EIP, Vni.of(VPC_VNI), VM_IP, policy, WHITELIST)
                                : new ElasticIp(EIP, Vni.of(VPC_VNI), VM_IP, policy))
                .build());
        b.apply(ElasticIpTest.table(underlayB, "A", underlayA, policy)
                .port(LocalPort.simulated(
                        "internet", Vni.of(PUBLIC_VNI), INTERNET_MAC, INTERNET_IP, 24, PUBLIC_GATEWAY))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), VM_MAC, "A"))
                .build());
        vm = new SegmentingTapPort(vmTap, 1518, PooledByteBufAllocator.DEFAULT);
        a.attachPort("vm", vm);
        b.attachPort("internet", new SegmentingTapPort(internetTap, 1518, PooledByteBufAllocator.DEFAULT));
        spec.sourceMac = INTERNET_MAC.bits();
        spec.sourceIp = INTERNET_IP.bits();
        spec.destinationMac = PUBLIC_ROUTER_MAC.bits();
        spec.destinationIp = EIP.bits();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void aBurstForTheElasticIpCrossesItsInboundSideOnceAndIsWrittenWholeToTheInstance() throws Exception {
        start(IngressPolicy.ALLOW_ALL);

        internetTap.inject(TestFrames.tsoInput(HEADER, spec, TestFrames.pattern(PAYLOAD, 5), MSS));

        byte[] written = vmTap.take(Duration.ofSeconds(5));
        assertThat(written).as("the burst at the instance").isNotNull();
        assertThat(vm.burstsWrittenWhole())
                .as("one TAP write of the burst, handed over whole by the pipeline")
                .isEqualTo(1);
        assertThat(vm.coalescerFramesIn())
                .as("no frame reached the instance's TAP one by one")
                .isZero();
        ByteBuf header = Unpooled.wrappedBuffer(written);
        assertThat(VirtioNetHeader.gsoType(header, 0)).isEqualTo(VirtioNetHeader.GSO_TCPV4);
        assertThat(VirtioNetHeader.needsChecksum(header, 0)).isTrue();
        assertThat(VirtioNetHeader.gsoSize(header, 0)).isEqualTo(MSS);
        byte[] burst = java.util.Arrays.copyOfRange(written, HEADER, written.length);
        assertThat(TestFrames.ipv4ChecksumValid(burst)).isTrue();
        TestFrames.finishPartialChecksum(burst, VirtioNetHeader.csumStart(header, 0));
        assertThat(TestFrames.tcpChecksumValid(burst))
                .as("the receiving stack's finished checksum over the whole translated burst")
                .isTrue();
        assertTranslatedOnce(TestFrames.segmentsOf(HEADER, written));
        assertThat(vmTap.pending()).as("nothing else written").isZero();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.counters().port("vm").packetsOut() == SEGMENTS);
        assertThat(a.counters().segment(VPC_VNI).packetsIn()).as("wire frames").isEqualTo(SEGMENTS);
        assertThat(a.counters().segment(PUBLIC_VNI).packetsIn()).isEqualTo(SEGMENTS);
        assertThat(a.counters().elasticIp(EIP.toString()).packetsIn())
                .as("the elastic IP counts the burst's wire frames")
                .isEqualTo(SEGMENTS);
        assertThat(a.counters().host().totalDrops()).isZero();
    }

    @Test
    void aBurstTheWhitelistDeniesIsDroppedWholeAndCountedPerFrame() throws Exception {
        start(IngressPolicy.WHITELIST);
        spec.destinationPort = 80;

        internetTap.inject(TestFrames.tsoInput(HEADER, spec, TestFrames.pattern(PAYLOAD, 6), MSS));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.counters().segment(PUBLIC_VNI).dropped(DropReason.WHITELIST_DENIED) == SEGMENTS);
        assertThat(a.counters().host().dropped(DropReason.WHITELIST_DENIED)).isEqualTo(SEGMENTS);
        assertThat(a.counters().elasticIp(EIP.toString()).dropped(DropReason.WHITELIST_DENIED))
                .isEqualTo(SEGMENTS);
        assertThat(a.whitelistCounters().get(WHITELIST).drops())
                .as("decided once for the burst, counted per wire frame as on the per-frame path")
                .isEqualTo(SEGMENTS);
        assertThat(vmTap.pending()).isZero();
        assertThat(a.counters().port("vm").packetsOut()).isZero();
    }

    @Test
    void aCaptureAtTheInstancesPortShowsTheSegmentsOfTheBurstWrittenWhole() throws Exception {
        start(IngressPolicy.ALLOW_ALL);
        Capture atPort = a.startCapture("vm", dir.resolve("vm.pcap"));

        internetTap.inject(TestFrames.tsoInput(HEADER, spec, TestFrames.pattern(PAYLOAD, 7), MSS));

        assertThat(vmTap.take(Duration.ofSeconds(5))).isNotNull();
        a.stopCapture(atPort);
        assertThat(atPort.packets()).as("the port capture shows wire frames").isEqualTo(SEGMENTS);
        assertThat(vm.burstsWrittenWhole()).isEqualTo(1);
    }

    @Test
    void aBurstForAnInstanceWhoseTapTakesNoBurstsArrivesAsValidSegments() throws Exception {
        vmTap = new InMemoryVnetDevice("vm", TapOffloads.NONE);
        start(IngressPolicy.ALLOW_ALL);

        internetTap.inject(TestFrames.tsoInput(HEADER, spec, TestFrames.pattern(PAYLOAD, 8), MSS));

        await().atMost(Duration.ofSeconds(5)).until(() -> vmTap.pending() == SEGMENTS);
        List<byte[]> frames = new java.util.ArrayList<>();
        for (int i = 0; i < SEGMENTS; i++) {
            byte[] written = vmTap.take(Duration.ofSeconds(1));
            frames.add(java.util.Arrays.copyOfRange(written, HEADER, written.length));
        }
        assertTranslatedOnce(frames);
        assertThat(vm.burstsWrittenWhole()).isZero();
        assertThat(a.counters().port("vm").packetsOut()).isEqualTo(SEGMENTS);
    }

    private void assertTranslatedOnce(List<byte[]> segments) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] frame : segments) {
            ByteBuf buf = Unpooled.wrappedBuffer(frame);
            assertThat(TestFrames.ipv4ChecksumValid(frame)).as("IPv4 checksum").isTrue();
            assertThat(TestFrames.tcpChecksumValid(frame)).as("TCP checksum").isTrue();
            assertThat(buf.getInt(Ethernet.HEADER_LENGTH + 12)).as("source").isEqualTo(INTERNET_IP.bits());
            assertThat(buf.getInt(Ethernet.HEADER_LENGTH + 16))
                    .as("destination: the instance")
                    .isEqualTo(VM_IP.bits());
            assertThat(frame[Ethernet.HEADER_LENGTH + 8] & 0xFF)
                    .as("TTL: the public router at B, the elastic IP's hop at A")
                    .isEqualTo(spec.ttl - 2);
            assertThat(buf.getLong(0) >>> 16).as("destination MAC").isEqualTo(VM_MAC.bits());
            assertThat(buf.getLong(6) >>> 16).as("source MAC").isEqualTo(VPC_ROUTER_MAC.bits());
            joined.writeBytes(TestFrames.payload(frame));
        }
        assertThat(segments).hasSize(SEGMENTS);
        assertThat(joined.toByteArray()).hasSize(PAYLOAD);
    }
}
