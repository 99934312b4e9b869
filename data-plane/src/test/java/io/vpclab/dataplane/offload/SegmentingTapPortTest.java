package io.vpclab.dataplane.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.tap.InMemoryVnetDevice;
import io.vpclab.dataplane.tap.SegmentingTapPort;
import io.vpclab.dataplane.tap.TapOffloads;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A TAP with offloads as a plain frame device: what the pipeline's stages get from a burst, and what the TAP gets back. */
class SegmentingTapPortTest {

    private static final int MSS = 1448;
    private static final int MAX_FRAME = 1518;
    private static final TapOffloads TSO = new TapOffloads(
            true, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4);

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final InMemoryVnetDevice tap = new InMemoryVnetDevice("tap0", TSO);
    private final SegmentingTapPort port = new SegmentingTapPort(tap, MAX_FRAME, PooledByteBufAllocator.DEFAULT);
    private final List<ByteBuf> handedOn = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        handedOn.forEach(ByteBuf::release);
        port.close(); // releases the coalescer's scratch buffer
        loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aTsoBurstReachesTheStagesAsWireReadyFramesEachWithHeadroom() {
        port.start(loop, handedOn::add);
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] payload = TestFrames.pattern(10 * MSS + 333, 7);

        tap.inject(TestFrames.tsoInput(TapOffloads.VNET_HEADER_BYTES, spec, payload, MSS));

        await().atMost(Duration.ofSeconds(5)).until(() -> handedOn.size() == 11);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < handedOn.size(); i++) {
            ByteBuf frame = handedOn.get(i);
            byte[] bytes = ByteBufUtil.getBytes(frame);
            assertThat(frame.readerIndex())
                    .as("headroom of frame %d for the VXLAN header", i)
                    .isGreaterThanOrEqualTo(FrameDevice.HEADROOM);
            assertThat(frame.maxWritableBytes() + frame.readableBytes())
                    .as("room of frame %d", i)
                    .isGreaterThanOrEqualTo(MAX_FRAME);
            assertThat(bytes.length).as("frame %d fits the MTU", i).isLessThanOrEqualTo(spec.headersLength() + MSS);
            assertThat(TestFrames.ipv4ChecksumValid(bytes))
                    .as("IPv4 checksum of frame %d", i)
                    .isTrue();
            assertThat(TestFrames.tcpChecksumValid(bytes))
                    .as("TCP checksum of frame %d", i)
                    .isTrue();
            joined.writeBytes(TestFrames.payload(bytes));
        }
        assertThat(joined.toByteArray()).isEqualTo(payload);
        assertThat(port.refusals()).isZero();
    }

    @Test
    void aSingleFrameWithAPartialChecksumIsCompleted() {
        port.start(loop, handedOn::add);
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] frame = TestFrames.frame(spec, TestFrames.pattern(100, 3), false);
        byte[] header = TestFrames.virtio(
                TapOffloads.VNET_HEADER_BYTES,
                VirtioNetHeader.F_NEEDS_CSUM,
                VirtioNetHeader.GSO_NONE,
                0,
                0,
                14 + 20,
                16);

        tap.inject(TestFrames.concat(header, frame));

        await().atMost(Duration.ofSeconds(5)).until(() -> handedOn.size() == 1);
        byte[] bytes = ByteBufUtil.getBytes(handedOn.get(0));
        assertThat(TestFrames.tcpChecksumValid(bytes))
                .as("completed, not left partial")
                .isTrue();
        assertThat(bytes).hasSize(frame.length);
    }

    @Test
    void aReadTheSegmenterRefusesIsDroppedAndCounted() {
        port.start(loop, handedOn::add);
        byte[] header = TestFrames.virtio(TapOffloads.VNET_HEADER_BYTES, 0, 0x7f, 0, 0, 0, 0);

        tap.inject(TestFrames.concat(header, TestFrames.frame(new TestFrames.Spec(), new byte[10], true)));

        await().atMost(Duration.ofSeconds(5)).until(() -> port.refusals() == 1);
        assertThat(handedOn).isEmpty();
    }

    @Test
    void framesTowardTheInstanceGoOutBehindAnAllZeroHeader() throws Exception {
        byte[] frame = TestFrames.frame(new TestFrames.Spec(), TestFrames.pattern(64, 1), true);

        port.write(io.netty.buffer.Unpooled.wrappedBuffer(frame));

        byte[] written = tap.take(Duration.ofSeconds(1));
        assertThat(written).hasSize(TapOffloads.VNET_HEADER_BYTES + frame.length);
        assertThat(java.util.Arrays.copyOf(written, TapOffloads.VNET_HEADER_BYTES))
                .containsOnly(0);
        assertThat(java.util.Arrays.copyOfRange(written, TapOffloads.VNET_HEADER_BYTES, written.length))
                .isEqualTo(frame);
    }
}
