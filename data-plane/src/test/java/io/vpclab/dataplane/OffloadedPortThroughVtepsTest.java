package io.vpclab.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.PooledByteBufAllocator;
import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.offload.TestFrames;
import io.vpclab.dataplane.port.InMemoryFrameDevice;
import io.vpclab.dataplane.tap.InMemoryVnetDevice;
import io.vpclab.dataplane.tap.SegmentingTapPort;
import io.vpclab.dataplane.tap.TapOffloads;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A port whose TAP has offloads (a 64 KB TSO burst per read) on the same-subnet path to a remote
 * VTEP: h1 on A (a {@link SegmentingTapPort}) sends a burst to h4 on B. Every segment on the wire is
 * valid, the counters and the captures see frames as they are on the wire, not the burst.
 */
class OffloadedPortThroughVtepsTest {

    private static final int MSS = 1398;
    private static final TapOffloads TSO = new TapOffloads(
            true, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4);

    @TempDir
    Path dir;

    private TwoVteps net;
    private final InMemoryVnetDevice h1Tap = new InMemoryVnetDevice("h1", TSO);
    private final InMemoryFrameDevice h4 = new InMemoryFrameDevice("h4");

    @BeforeEach
    void start() {
        InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
        net = new TwoVteps(
                name -> hub.join(new InetSocketAddress(name.equals("A") ? "10.255.0.1" : "10.255.0.2", 4789)),
                1500,
                List.of());
        // TestFrames' default segment runs from h1's addresses to h4's
        net.a.detachPort("h1");
        net.a.attachPort("h1", new SegmentingTapPort(h1Tap, 1518, PooledByteBufAllocator.DEFAULT));
        net.b.detachPort("h4");
        net.b.attachPort("h4", h4);
    }

    @AfterEach
    void stop() {
        net.close();
    }

    @Test
    void aBurstLeavesAsValidSegmentsCountedAndCapturedOneByOne() throws Exception {
        Capture atPort = net.a.startCapture("h1", dir.resolve("h1.pcap"));
        Capture atUnderlay = net.a.startCapture(Vtep.UNDERLAY, dir.resolve("underlay.pcap"));
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] payload = TestFrames.pattern(20 * MSS + 100, 5);

        h1Tap.inject(TestFrames.tsoInput(TapOffloads.VNET_HEADER_BYTES, spec, payload, MSS));

        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < 21; i++) {
            byte[] frame = h4.take(Duration.ofSeconds(5));
            assertThat(frame).as("segment %d delivered on B", i).isNotNull();
            assertThat(frame.length)
                    .as("segment %d fits the overlay MTU", i)
                    .isLessThanOrEqualTo(spec.headersLength() + MSS);
            assertThat(TestFrames.ipv4ChecksumValid(frame))
                    .as("IPv4 checksum of segment %d", i)
                    .isTrue();
            assertThat(TestFrames.tcpChecksumValid(frame))
                    .as("TCP checksum of segment %d", i)
                    .isTrue();
            joined.writeBytes(TestFrames.payload(frame));
        }
        assertThat(joined.toByteArray()).as("the burst's payload, in order").isEqualTo(payload);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> net.a.counters().port("h1").packetsIn() == 21);
        assertThat(net.a.counters().host().packetsOut()).as("datagrams A sent").isEqualTo(21);
        assertThat(net.b.counters().port("h4").packetsOut()).isEqualTo(21);
        net.a.stopCapture(atPort);
        net.a.stopCapture(atUnderlay);
        assertThat(atPort.packets()).as("the port's capture shows the segments").isEqualTo(21);
        assertThat(atUnderlay.packets())
                .as("the underlay's capture shows the datagrams")
                .isEqualTo(21);
        assertThat(h4.pending()).isZero();
    }
}
