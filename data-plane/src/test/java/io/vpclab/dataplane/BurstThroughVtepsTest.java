package io.vpclab.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.capture.CaptureTest;
import io.vpclab.dataplane.offload.GsoSegmenter;
import io.vpclab.dataplane.offload.TestFrames;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.port.InMemoryFrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.tap.InMemoryVnetDevice;
import io.vpclab.dataplane.tap.SegmentingTapPort;
import io.vpclab.dataplane.tap.TapOffloads;
import io.vpclab.net.MacAddress;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 64 KB TSO burst on the same-subnet path as one unit, both ways, with in-memory devices: h1 on
 * A (a TAP with offloads) sends to h4 on B (a TAP with offloads, or a plain device) and to h5 on A.
 * The pipeline takes the burst whole (one GSO send toward B, one TAP write at h5), every segment
 * on the wire is valid, B writes the merged burst to h4's TAP once, counters count frames on the
 * wire and captures show segments.
 */
class BurstThroughVtepsTest {

    private static final int MSS = 1398;
    private static final int SEGMENTS = 21;
    private static final TapOffloads TSO = new TapOffloads(
            true, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4);
    private static final MacAddress H5_MAC = MacAddress.parse("02:00:0a:00:01:07");
    private static final MacAddress H2_MAC = MacAddress.parse("02:00:0a:00:02:08");
    private static final MacAddress H3_MAC = MacAddress.parse("02:00:0a:00:02:09");

    @TempDir
    Path dir;

    private TwoVteps net;
    private final AtomicInteger gsoSendsFromA = new AtomicInteger();
    private final InMemoryVnetDevice h1Tap = new InMemoryVnetDevice("h1", TSO);
    private final InMemoryVnetDevice h4Tap = new InMemoryVnetDevice("h4", TSO);
    private final InMemoryVnetDevice h5Tap = new InMemoryVnetDevice("h5", TSO);
    private SegmentingTapPort h4;
    private SegmentingTapPort h5;
    private final TestFrames.Spec spec = new TestFrames.Spec();
    private final byte[] payload = TestFrames.pattern(20 * MSS + 100, 5);

    @BeforeEach
    void start() {
        net = TwoVteps.countingGsoSendsFromA(gsoSendsFromA, H5_MAC);
        net.a.detachPort("h1");
        net.a.attachPort("h1", new SegmentingTapPort(h1Tap, 1518, PooledByteBufAllocator.DEFAULT));
        h5 = new SegmentingTapPort(h5Tap, 1518, PooledByteBufAllocator.DEFAULT);
        net.a.attachPort("h5", h5);
        net.b.detachPort("h4");
        h4 = new SegmentingTapPort(h4Tap, 1518, PooledByteBufAllocator.DEFAULT);
        net.b.attachPort("h4", h4);
    }

    @AfterEach
    void stop() {
        net.close();
    }

    @Test
    void aBurstToARemoteTapLeavesInOneGsoSendAndArrivesInOneTapWrite() throws Exception {
        Capture atB = net.b.startCapture("h4", dir.resolve("h4.pcap"));

        h1Tap.inject(TestFrames.tsoInput(TapOffloads.VNET_HEADER_BYTES, spec, payload, MSS));

        byte[] written = h4Tap.take(Duration.ofSeconds(5));
        assertThat(written).as("one TAP write on B").isNotNull();
        assertThat(VirtioNetHeader.gsoType(Unpooled.wrappedBuffer(written), 0))
                .as("a merged burst")
                .isEqualTo(VirtioNetHeader.GSO_TCPV4);
        assertEverySegmentValidAndPayloadIs(written, payload);
        assertThat(h4Tap.pending()).as("nothing else written").isZero();
        assertThat(h4.coalescerFramesIn()).as("segments merged at B").isEqualTo(SEGMENTS);
        assertThat(h4.coalescerFramesOut()).as("TAP writes at B").isEqualTo(1);
        assertThat(gsoSendsFromA)
                .as("A sent the burst's segments in one GSO send")
                .hasValue(1);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> net.b.counters().port("h4").packetsOut() == SEGMENTS);
        assertThat(net.a.counters().port("h1").packetsIn())
                .as("frames on the wire, not the burst")
                .isEqualTo(SEGMENTS);
        assertThat(net.a.counters().port("h1").bytesIn())
                .isEqualTo(payload.length + (long) SEGMENTS * spec.headersLength());
        assertThat(net.a.counters().host().packetsOut()).as("datagrams A sent").isEqualTo(SEGMENTS);
        assertThat(net.b.counters().host().packetsIn())
                .as("datagrams B received")
                .isEqualTo(SEGMENTS);
        net.b.stopCapture(atB);
        assertThat(atB.packets()).as("B's port capture shows the segments").isEqualTo(SEGMENTS);
    }

    @Test
    void aBurstToALocalTapIsWrittenWholeAndCountedAsItsFrames() throws Exception {
        spec.destinationMac = 0x02_00_0a_00_01_07L;
        spec.destinationIp = 0x0a000107;
        byte[] input = TestFrames.tsoInput(TapOffloads.VNET_HEADER_BYTES, spec, payload, MSS);

        h1Tap.inject(input);

        byte[] written = h5Tap.take(Duration.ofSeconds(5));
        assertThat(written)
                .as("the burst as it was read, header and partial checksum kept")
                .isEqualTo(input);
        assertEverySegmentValidAndPayloadIs(written, payload);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> net.a.counters().port("h5").packetsOut() == SEGMENTS);
        assertThat(net.a.counters().port("h1").packetsIn()).isEqualTo(SEGMENTS);
        assertThat(h5.burstsWrittenWhole()).isEqualTo(1);
        assertThat(gsoSendsFromA).as("nothing left toward B").hasValue(0);
    }

    @Test
    void aBurstToAPlainRemoteDeviceArrivesAsValidSegments() throws Exception {
        InMemoryFrameDevice plain = new InMemoryFrameDevice("h4");
        net.b.detachPort("h4");
        net.b.attachPort("h4", plain);

        h1Tap.inject(TestFrames.tsoInput(TapOffloads.VNET_HEADER_BYTES, spec, payload, MSS));

        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < SEGMENTS; i++) {
            byte[] frame = plain.take(Duration.ofSeconds(5));
            assertThat(frame).as("segment %d", i).isNotNull();
            assertThat(frame.length).isLessThanOrEqualTo(spec.headersLength() + MSS);
            assertThat(TestFrames.ipv4ChecksumValid(frame))
                    .as("IPv4 checksum of segment %d", i)
                    .isTrue();
            assertThat(TestFrames.tcpChecksumValid(frame))
                    .as("TCP checksum of segment %d", i)
                    .isTrue();
            joined.writeBytes(TestFrames.payload(frame));
        }
        assertThat(joined.toByteArray()).isEqualTo(payload);
        assertThat(gsoSendsFromA).hasValue(1);
    }

    @Test
    void capturesAtThePortAndTheUnderlayShowTheBurstAsItsSegmentsWithoutLeavingTheBurstPath() throws Exception {
        Capture atPort = net.a.startCapture("h1", dir.resolve("h1.pcap"));
        Capture atUnderlay = net.a.startCapture("underlay", dir.resolve("underlay.pcap"));

        h1Tap.inject(TestFrames.tsoInput(TapOffloads.VNET_HEADER_BYTES, spec, payload, MSS));

        byte[] written = h4Tap.take(Duration.ofSeconds(5));
        assertThat(written).isNotNull();
        assertEverySegmentValidAndPayloadIs(written, payload);
        assertThat(gsoSendsFromA).as("captured, still one GSO send").hasValue(1);
        net.a.stopCapture(atPort);
        net.a.stopCapture(atUnderlay);
        assertThat(atPort.packets()).as("A's port capture shows the segments").isEqualTo(SEGMENTS);
        assertThat(atUnderlay.packets())
                .as("A's underlay capture shows each datagram")
                .isEqualTo(SEGMENTS);
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed (apt-get install -y tshark)");
        List<String> lengths = CaptureTest.tshark(atPort.file(), "tcp.len");
        assertThat(lengths).hasSize(SEGMENTS);
        assertThat(lengths.subList(0, SEGMENTS - 1)).containsOnly(String.valueOf(MSS));
        assertThat(lengths.get(SEGMENTS - 1)).isEqualTo("100");
        assertThat(CaptureTest.tshark(atUnderlay.file(), "vxlan.vni"))
                .hasSize(SEGMENTS)
                .containsOnly(String.valueOf(TwoVteps.VNI_1));
        assertThat(CaptureTest.tshark(atUnderlay.file(), "tcp.seq_raw"))
                .doesNotHaveDuplicates()
                .hasSize(SEGMENTS);
    }

    @Test
    void aRoutedBurstToARemoteTapCrossesTheRouterOnceAndLeavesInOneGsoSend() throws Exception {
        InMemoryVnetDevice h2Tap = new InMemoryVnetDevice("h2", TSO);
        net.b.detachPort("h2");
        net.b.attachPort("h2", new SegmentingTapPort(h2Tap, 1518, PooledByteBufAllocator.DEFAULT));
        spec.destinationMac = TwoVteps.ROUTER_MAC.bits();
        spec.destinationIp = TwoVteps.ip("h2").bits();

        h1Tap.inject(TestFrames.tsoInput(TapOffloads.VNET_HEADER_BYTES, spec, payload, MSS));

        byte[] written = h2Tap.take(Duration.ofSeconds(5));
        assertThat(written).as("one TAP write on B").isNotNull();
        assertRoutedOnce(assertEverySegmentValidAndPayloadIs(written, payload), H2_MAC);
        assertThat(gsoSendsFromA)
                .as("A routed the burst whole: one GSO send on the egress VNI")
                .hasValue(1);
        assertThat(net.a.counters().port("h1").packetsIn()).isEqualTo(SEGMENTS);
        assertThat(net.a.counters().segment(TwoVteps.VNI_2).packetsOut())
                .as("frames out on the egress segment")
                .isEqualTo(SEGMENTS);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> net.b.counters().port("h2").packetsOut() == SEGMENTS);
    }

    @Test
    void aRoutedBurstToALocalTapIsRewrittenOnceAndWrittenWhole() throws Exception {
        InMemoryVnetDevice h3Tap = new InMemoryVnetDevice("h3", TSO);
        SegmentingTapPort h3 = new SegmentingTapPort(h3Tap, 1518, PooledByteBufAllocator.DEFAULT);
        net.a.detachPort("h3");
        net.a.attachPort("h3", h3);
        spec.destinationMac = TwoVteps.ROUTER_MAC.bits();
        spec.destinationIp = TwoVteps.ip("h3").bits();
        byte[] input = TestFrames.tsoInput(TapOffloads.VNET_HEADER_BYTES, spec, payload, MSS);
        Capture atH3 = net.a.startCapture("h3", dir.resolve("h3.pcap"));

        h1Tap.inject(input);

        byte[] written = h3Tap.take(Duration.ofSeconds(5));
        assertThat(written).isNotNull();
        assertThat(h3.burstsWrittenWhole())
                .as("the burst written whole, not per frame")
                .isEqualTo(1);
        int header = TapOffloads.VNET_HEADER_BYTES;
        assertThat(Arrays.copyOf(written, header)).as("virtio-net header kept").isEqualTo(Arrays.copyOf(input, header));
        byte[] burstFrame = Arrays.copyOfRange(written, header, written.length);
        assertThat(TestFrames.ipv4ChecksumValid(burstFrame))
                .as("the burst's own IPv4 checksum after TTL - 1")
                .isTrue();
        int tcpChecksum = header + Ethernet.HEADER_LENGTH + 20 + 16;
        assertThat(Arrays.copyOfRange(written, tcpChecksum, tcpChecksum + 2))
                .as("partial TCP checksum left for the stack")
                .isEqualTo(Arrays.copyOfRange(input, tcpChecksum, tcpChecksum + 2));
        assertRoutedOnce(assertEverySegmentValidAndPayloadIs(written, payload), H3_MAC);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> net.a.counters().port("h3").packetsOut() == SEGMENTS);
        assertThat(net.a.counters().segment(TwoVteps.VNI_2).packetsIn())
                .as("counted in on the egress segment")
                .isEqualTo(SEGMENTS);
        assertThat(gsoSendsFromA).hasValue(0);
        net.a.stopCapture(atH3);
        assertThat(atH3.packets()).as("h3's capture shows the routed segments").isEqualTo(SEGMENTS);
    }

    @Test
    void aRoutedBurstWithTtlOneIsAnsweredPerFrame() throws Exception {
        InMemoryVnetDevice h3Tap = new InMemoryVnetDevice("h3", TSO);
        net.a.detachPort("h3");
        net.a.attachPort("h3", new SegmentingTapPort(h3Tap, 1518, PooledByteBufAllocator.DEFAULT));
        spec.destinationMac = TwoVteps.ROUTER_MAC.bits();
        spec.destinationIp = TwoVteps.ip("h3").bits();
        spec.ttl = 1;

        h1Tap.inject(TestFrames.tsoInput(TapOffloads.VNET_HEADER_BYTES, spec, payload, MSS));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> net.a.counters().port("h1").dropped(DropReason.TTL_EXCEEDED) == SEGMENTS);
        assertThat(h3Tap.pending()).as("nothing forwarded").isZero();
    }

    /** Cuts a TAP write independently of the agents' path and checks each wire frame's checksums. */
    private static List<byte[]> assertEverySegmentValidAndPayloadIs(byte[] headerAndFrame, byte[] expected) {
        ByteBuf in = Unpooled.wrappedBuffer(headerAndFrame);
        ByteBuf out = Unpooled.buffer(2 * headerAndFrame.length);
        GsoSegmenter segmenter = new GsoSegmenter(TapOffloads.VNET_HEADER_BYTES);
        int count = segmenter.segment(in, out, 0);
        assertThat(count).as("segments in the burst").isEqualTo(SEGMENTS);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        List<byte[]> segments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = i == count - 1 ? segmenter.lastSegmentLength() : segmenter.segmentLength();
            byte[] frame = new byte[length];
            out.readBytes(frame);
            assertThat(TestFrames.ipv4ChecksumValid(frame))
                    .as("IPv4 checksum of segment %d", i)
                    .isTrue();
            assertThat(TestFrames.tcpChecksumValid(frame))
                    .as("TCP checksum of segment %d", i)
                    .isTrue();
            joined.writeBytes(TestFrames.payload(frame));
            segments.add(frame);
        }
        assertThat(joined.toByteArray()).isEqualTo(expected);
        return segments;
    }

    /** Each segment crossed the router once: the next hop's MAC, the router's MAC, TTL 64 - 1. */
    private static void assertRoutedOnce(List<byte[]> segments, MacAddress nextHop) {
        for (byte[] frame : segments) {
            assertThat(Unpooled.wrappedBuffer(frame).getLong(0) >>> 16)
                    .as("destination MAC")
                    .isEqualTo(nextHop.bits());
            assertThat(Unpooled.wrappedBuffer(frame).getLong(6) >>> 16)
                    .as("source MAC: the router")
                    .isEqualTo(TwoVteps.ROUTER_MAC.bits());
            assertThat(frame[Ethernet.HEADER_LENGTH + 8] & 0xFF).as("TTL").isEqualTo(63);
        }
    }
}
