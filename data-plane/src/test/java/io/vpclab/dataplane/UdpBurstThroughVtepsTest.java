package io.vpclab.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.capture.CaptureTest;
import io.vpclab.dataplane.offload.TestFrames;
import io.vpclab.dataplane.tap.InMemoryVnetDevice;
import io.vpclab.dataplane.tap.SegmentingTapPort;
import io.vpclab.dataplane.tap.TapOffloads;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A USO burst (an instance's UDP_SEGMENT write: GSO_UDP_L4, gso_size payload per datagram) as one
 * unit, with in-memory devices on {@link TwoVteps}: h1 on A sends to h4 on B, to h5 on A and,
 * routed, to h2 on B. Toward B it leaves in one GSO send as its datagrams; toward a local TAP with
 * USO it is written whole, toward one without USO as datagrams. Every datagram's IPv4 and UDP
 * checksums are summed byte by byte ({@link TestFrames}); counters and captures show datagrams.
 */
class UdpBurstThroughVtepsTest {

    private static final int GSO_SIZE = 1400;
    private static final int DATAGRAMS = 21;
    private static final int HEADERS = 14 + 20 + 8;
    private static final int HEADER = TapOffloads.VNET_HEADER_BYTES;
    private static final int CSUM = TapOffloads.TUN_F_CSUM;
    private static final TapOffloads USO = new TapOffloads(
            true, CSUM | TapOffloads.TUN_F_TSO4 | TapOffloads.TUN_F_USO4 | TapOffloads.TUN_F_USO6, TapOffloads.ALL);
    private static final TapOffloads TSO_ONLY =
            new TapOffloads(true, CSUM | TapOffloads.TUN_F_TSO4, CSUM | TapOffloads.TUN_F_TSO4);
    private static final MacAddress H5_MAC = MacAddress.parse("02:00:0a:00:01:07");
    private static final MacAddress H2_MAC = MacAddress.parse("02:00:0a:00:02:08");

    @TempDir
    Path dir;

    private TwoVteps net;
    private final AtomicInteger gsoSendsFromA = new AtomicInteger();
    private final InMemoryVnetDevice h1Tap = new InMemoryVnetDevice("h1", USO);
    private final InMemoryVnetDevice h4Tap = new InMemoryVnetDevice("h4", USO);
    private SegmentingTapPort h1;
    private final TestFrames.Spec spec = new TestFrames.Spec();
    private final byte[] payload = TestFrames.pattern((DATAGRAMS - 1) * GSO_SIZE + 100, 17);

    @BeforeEach
    void start() {
        net = TwoVteps.countingGsoSendsFromA(gsoSendsFromA, H5_MAC);
        net.a.detachPort("h1");
        h1 = new SegmentingTapPort(h1Tap, 1518, PooledByteBufAllocator.DEFAULT);
        net.a.attachPort("h1", h1);
        net.b.detachPort("h4");
        net.b.attachPort("h4", new SegmentingTapPort(h4Tap, 1518, PooledByteBufAllocator.DEFAULT));
        spec.protocol = 17;
        spec.sourcePort = 40001;
        spec.destinationPort = 33000;
    }

    @AfterEach
    void stop() {
        net.close();
    }

    @Test
    void aBurstToARemoteTapLeavesInOneGsoSendAndArrivesAsValidDatagrams() throws Exception {
        Capture atPort = net.a.startCapture("h1", dir.resolve("h1.pcap"));
        Capture atUnderlay = net.a.startCapture("underlay", dir.resolve("underlay.pcap"));

        h1Tap.inject(TestFrames.usoInput(HEADER, spec, payload, GSO_SIZE));

        byte[] joined = TestFrames.assertDatagramsAndJoin(TestFrames.takeSingleFrames(h4Tap, DATAGRAMS), sameSubnet());
        assertThat(joined).isEqualTo(payload);
        assertThat(h1.usoReadsTakenWhole())
                .as("the pipeline took the burst whole")
                .isEqualTo(1);
        assertThat(gsoSendsFromA).as("A sent the datagrams in one GSO send").hasValue(1);
        assertThat(net.a.counters().port("h1").packetsIn())
                .as("datagrams on the wire, not the burst")
                .isEqualTo(DATAGRAMS);
        assertThat(net.a.counters().port("h1").bytesIn()).isEqualTo(payload.length + (long) DATAGRAMS * HEADERS);
        assertThat(net.a.counters().host().packetsOut()).isEqualTo(DATAGRAMS);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> net.b.counters().port("h4").packetsOut() == DATAGRAMS);
        net.a.stopCapture(atPort);
        net.a.stopCapture(atUnderlay);
        assertThat(atPort.packets()).as("A's port capture shows the datagrams").isEqualTo(DATAGRAMS);
        assertThat(atUnderlay.packets()).as("A's underlay capture too").isEqualTo(DATAGRAMS);
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed (apt-get install -y tshark)");
        List<String> lengths = CaptureTest.tshark(atPort.file(), "udp.length");
        assertThat(lengths).hasSize(DATAGRAMS);
        assertThat(lengths.subList(0, DATAGRAMS - 1)).containsOnly(String.valueOf(8 + GSO_SIZE));
        assertThat(lengths.get(DATAGRAMS - 1)).isEqualTo("108");
        assertThat(CaptureTest.tshark(atUnderlay.file(), "vxlan.vni"))
                .hasSize(DATAGRAMS)
                .containsOnly(String.valueOf(TwoVteps.VNI_1));
    }

    @Test
    void aBurstToALocalTapWithUsoIsWrittenWholeAndCountedAsItsDatagrams() throws Exception {
        InMemoryVnetDevice h5Tap = new InMemoryVnetDevice("h5", USO);
        SegmentingTapPort h5 = new SegmentingTapPort(h5Tap, 1518, PooledByteBufAllocator.DEFAULT);
        net.a.attachPort("h5", h5);
        toH5();
        byte[] input = TestFrames.usoInput(HEADER, spec, payload, GSO_SIZE);

        h1Tap.inject(input);

        byte[] written = h5Tap.take(Duration.ofSeconds(5));
        assertThat(written)
                .as("the burst as it was read, header and partial checksum kept")
                .isEqualTo(input);
        assertThat(h5.burstsWrittenWhole()).isEqualTo(1);
        TestFrames.assertWholeUdpBurstChecksums(HEADER, written);
        List<byte[]> datagrams = TestFrames.segmentsOf(HEADER, written);
        assertThat(datagrams).hasSize(DATAGRAMS);
        assertThat(TestFrames.assertDatagramsAndJoin(datagrams, frame -> {})).isEqualTo(payload);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> net.a.counters().port("h5").packetsOut() == DATAGRAMS);
        assertThat(net.a.counters().port("h5").bytesOut()).isEqualTo(payload.length + (long) DATAGRAMS * HEADERS);
        assertThat(gsoSendsFromA).as("nothing toward B").hasValue(0);
    }

    @Test
    void aBurstToALocalTapWithoutUsoArrivesAsItsDatagrams() throws Exception {
        InMemoryVnetDevice h5Tap = new InMemoryVnetDevice("h5", TSO_ONLY);
        SegmentingTapPort h5 = new SegmentingTapPort(h5Tap, 1518, PooledByteBufAllocator.DEFAULT);
        net.a.attachPort("h5", h5);
        toH5();

        h1Tap.inject(TestFrames.usoInput(HEADER, spec, payload, GSO_SIZE));

        byte[] joined = TestFrames.assertDatagramsAndJoin(TestFrames.takeSingleFrames(h5Tap, DATAGRAMS), frame -> {});
        assertThat(joined).isEqualTo(payload);
        assertThat(h5.burstsWrittenWhole())
                .as("the kernel would refuse GSO_UDP_L4 here")
                .isZero();
        assertThat(h1.usoReadsTakenWhole())
                .as("cut at the port, each datagram on its own")
                .isZero();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> net.a.counters().port("h5").packetsOut() == DATAGRAMS);
    }

    @Test
    void aRoutedBurstCrossesTheRouterOnceAndLeavesInOneGsoSend() throws Exception {
        InMemoryVnetDevice h2Tap = new InMemoryVnetDevice("h2", USO);
        net.b.detachPort("h2");
        net.b.attachPort("h2", new SegmentingTapPort(h2Tap, 1518, PooledByteBufAllocator.DEFAULT));
        spec.destinationMac = TwoVteps.ROUTER_MAC.bits();
        spec.destinationIp = TwoVteps.ip("h2").bits();

        h1Tap.inject(TestFrames.usoInput(HEADER, spec, payload, GSO_SIZE));

        byte[] joined = TestFrames.assertDatagramsAndJoin(TestFrames.takeSingleFrames(h2Tap, DATAGRAMS), frame -> {
            assertThat(frame.getLong(0) >>> 16).as("destination MAC").isEqualTo(H2_MAC.bits());
            assertThat(frame.getLong(6) >>> 16).as("source MAC: the router").isEqualTo(TwoVteps.ROUTER_MAC.bits());
            assertThat(frame.getUnsignedByte(14 + 8)).as("TTL: one hop").isEqualTo((short) 63);
        });
        assertThat(joined).isEqualTo(payload);
        assertThat(h1.usoReadsTakenWhole()).isEqualTo(1);
        assertThat(gsoSendsFromA).as("routed whole: one GSO send").hasValue(1);
        assertThat(net.a.counters().segment(TwoVteps.VNI_2).packetsOut())
                .as("datagrams out on the egress segment")
                .isEqualTo(DATAGRAMS);
    }

    private void toH5() {
        spec.destinationMac = H5_MAC.bits();
        spec.destinationIp = Ipv4Address.parse("10.0.1.7").bits();
    }

    private Consumer<ByteBuf> sameSubnet() {
        return frame -> {
            assertThat(frame.getLong(0) >>> 16).as("destination MAC").isEqualTo(spec.destinationMac);
            assertThat(frame.getUnsignedByte(14 + 8)).as("TTL untouched").isEqualTo((short) 64);
        };
    }
}
