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
import io.vpclab.dataplane.offload.TestFrames;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.table.ElasticIp;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 64 KB TSO burst from an instance with an elastic IP, as one unit: the VPC router and the
 * elastic IP translate it once (source address with the partial checksum's pseudo-header update,
 * TTL - 1, the public router's MACs) and it leaves in one GSO send toward B's internet host, or is
 * written whole to an internet host on A. Every segment's checksums are verified by recomputing
 * them byte by byte ({@link TestFrames}), never with the code under test.
 */
class ElasticIpBurstTest {

    private static final int MSS = 1398;
    private static final int SEGMENTS = 21;
    /** Payload per datagram of a USO burst: with 42 bytes of headers, a frame as large as the inner MTU allows. */
    private static final int UDP_GSO_SIZE = 1422;

    private static final TapOffloads TSO = new TapOffloads(
            true, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4);
    private static final int HEADER = TapOffloads.VNET_HEADER_BYTES;
    private static final MacAddress NEAR_MAC = MacAddress.parse("02:00:c6:33:64:1e");
    private static final Ipv4Address NEAR_IP = Ipv4Address.parse("198.51.100.30");

    private final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    private final InMemoryUnderlay underlayA = hub.join(new InetSocketAddress("10.255.0.1", Vxlan.PORT));
    private final AtomicInteger gsoSendsFromA = new AtomicInteger();
    private final Underlay countingA = new CountingGsoSends(underlayA, gsoSendsFromA);
    private final Underlay underlayB = hub.join(new InetSocketAddress("10.255.0.2", Vxlan.PORT));
    private final Vtep a = new Vtep(countingA);
    private final Vtep b = new Vtep(underlayB);
    private final InMemoryVnetDevice vmTap = new InMemoryVnetDevice("vm", TSO);
    private final InMemoryVnetDevice internetTap = new InMemoryVnetDevice("internet", TSO);
    private final InMemoryVnetDevice nearTap = new InMemoryVnetDevice("near", TSO);
    private SegmentingTapPort near;
    private final TestFrames.Spec spec = new TestFrames.Spec();
    private final byte[] payload = TestFrames.pattern(20 * MSS + 100, 9);

    @BeforeEach
    void start() {
        a.apply(ElasticIpTest.table(countingA, "B", underlayB, IngressPolicy.DENY_ALL)
                .port(LocalPort.simulated("vm", Vni.of(VPC_VNI), VM_MAC, VM_IP, 24, VPC_GATEWAY))
                .port(LocalPort.simulated("near", Vni.of(PUBLIC_VNI), NEAR_MAC, NEAR_IP, 24, PUBLIC_GATEWAY))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), NEAR_IP, NEAR_MAC))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), INTERNET_MAC, "B"))
                .elasticIp(new ElasticIp(EIP, Vni.of(VPC_VNI), VM_IP, IngressPolicy.DENY_ALL))
                .build());
        b.apply(ElasticIpTest.table(underlayB, "A", countingA, IngressPolicy.DENY_ALL)
                .port(LocalPort.simulated(
                        "internet", Vni.of(PUBLIC_VNI), INTERNET_MAC, INTERNET_IP, 24, PUBLIC_GATEWAY))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), VM_MAC, "A"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), NEAR_MAC, "A"))
                .build());
        a.attachPort("vm", new SegmentingTapPort(vmTap, 1518, PooledByteBufAllocator.DEFAULT));
        near = new SegmentingTapPort(nearTap, 1518, PooledByteBufAllocator.DEFAULT);
        a.attachPort("near", near);
        b.attachPort("internet", new SegmentingTapPort(internetTap, 1518, PooledByteBufAllocator.DEFAULT));
        spec.sourceMac = VM_MAC.bits();
        spec.sourceIp = VM_IP.bits();
        spec.destinationMac = VPC_ROUTER_MAC.bits();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void aBurstLeavesThroughTheElasticIpInOneGsoSendWithEverySegmentValid() throws Exception {
        spec.destinationIp = INTERNET_IP.bits();

        vmTap.inject(TestFrames.tsoInput(HEADER, spec, payload, MSS));

        byte[] written = internetTap.take(Duration.ofSeconds(5));
        assertThat(written).as("the burst at B's internet host").isNotNull();
        assertTranslatedOnce(TestFrames.segmentsOf(HEADER, written), INTERNET_MAC);
        assertThat(gsoSendsFromA).as("translated whole at A: one GSO send").hasValue(1);
        assertThat(a.counters().port("vm").packetsIn()).as("frames on the wire").isEqualTo(SEGMENTS);
        assertThat(a.counters().segment(PUBLIC_VNI).packetsOut()).isEqualTo(SEGMENTS);
        assertThat(a.counters().elasticIp(EIP.toString()).packetsOut())
                .as("the elastic IP counts the burst's wire frames")
                .isEqualTo(SEGMENTS);
        assertThat(a.counters().elasticIp(EIP.toString()).bytesOut())
                .isEqualTo(a.counters().port("vm").bytesIn());
        assertThat(a.counters().host().totalDrops()).isZero();
    }

    @Test
    void aBurstToALocalInternetHostIsWrittenWholeAndItsPartialChecksumFinishesRight() throws Exception {
        spec.destinationIp = NEAR_IP.bits();
        byte[] input = TestFrames.tsoInput(HEADER, spec, payload, MSS);

        vmTap.inject(input);

        byte[] written = nearTap.take(Duration.ofSeconds(5));
        TestFrames.assertWrittenWhole(near, input, written);
        assertTranslatedOnce(TestFrames.segmentsOf(HEADER, written), NEAR_MAC);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.counters().port("near").packetsOut() == SEGMENTS);
        assertThat(gsoSendsFromA).hasValue(0);
    }

    @Test
    void aUdpBurstLeavesThroughTheElasticIpInOneGsoSendWithEveryDatagramValid() throws Exception {
        spec.destinationIp = INTERNET_IP.bits();
        spec.sourcePort = 40002;
        spec.destinationPort = 33000;
        byte[] datagrams = TestFrames.pattern(20 * UDP_GSO_SIZE + 100, 10);

        vmTap.inject(TestFrames.usoInput(HEADER, spec, datagrams, UDP_GSO_SIZE));

        byte[] joined = TestFrames.assertDatagramsAndJoin(
                TestFrames.takeSingleFrames(internetTap, SEGMENTS), frame -> assertHopOnce(frame, INTERNET_MAC));
        assertThat(joined).isEqualTo(datagrams);
        assertThat(gsoSendsFromA).as("translated whole at A: one GSO send").hasValue(1);
        assertThat(a.counters().port("vm").packetsIn())
                .as("datagrams on the wire")
                .isEqualTo(SEGMENTS);
        assertThat(a.counters().segment(PUBLIC_VNI).packetsOut()).isEqualTo(SEGMENTS);
        assertThat(a.counters().host().totalDrops()).isZero();
    }

    private static void assertTranslatedOnce(List<byte[]> segments, MacAddress nextHop) {
        assertThat(segments).hasSize(SEGMENTS);
        byte[] joined = TestFrames.assertSegmentsAndJoin(segments, frame -> assertHopOnce(frame, nextHop));
        assertThat(joined).isEqualTo(TestFrames.pattern(20 * MSS + 100, 9));
    }

    /** The elastic IP as source, one hop (TTL 63), the public router's MACs toward {@code nextHop}. */
    private static void assertHopOnce(ByteBuf frame, MacAddress nextHop) {
        assertThat(frame.getInt(Ethernet.HEADER_LENGTH + 12))
                .as("source: the elastic IP")
                .isEqualTo(EIP.bits());
        assertThat(frame.getUnsignedByte(Ethernet.HEADER_LENGTH + 8))
                .as("TTL: one hop")
                .isEqualTo((short) 63);
        assertThat(frame.getLong(0) >>> 16).as("destination MAC").isEqualTo(nextHop.bits());
        assertThat(frame.getLong(6) >>> 16).as("source MAC").isEqualTo(PUBLIC_ROUTER_MAC.bits());
    }
}
