package io.vpclab.dataplane.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory twin of a TAP device, as the pipeline and the tests use it. */
class InMemoryFrameDeviceTest {

    private final EventLoop loop = new DefaultEventLoop();
    private final InMemoryFrameDevice device = new InMemoryFrameDevice("vm1");

    @AfterEach
    void close() {
        device.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void anInjectedFrameReachesTheSinkOnTheLoopWithHeadroomForTheVxlanHeader() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        device.start(loop, frame -> {
            seen.complete(loop.inEventLoop() + " " + frame.readerIndex() + " " + ByteBufUtil.hexDump(frame));
            frame.release();
        });

        device.inject(new byte[] {1, 2, 3});

        assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("true " + FrameDevice.HEADROOM + " 010203");
    }

    @Test
    void aFrameInjectedBeforeStartIsRefusedAndReleased() {
        ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {1});

        assertThatThrownBy(() -> device.inject(frame))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vm1");
        assertThat(frame.refCnt()).isZero();
    }

    @Test
    void framesWrittenTowardTheInstanceAreTakenInOrderAndClosingReleasesTheRest() throws Exception {
        ByteBuf kept = Unpooled.wrappedBuffer(new byte[] {9});
        device.write(Unpooled.wrappedBuffer(new byte[] {7}));
        device.write(Unpooled.wrappedBuffer(new byte[] {8}));
        device.write(kept);

        assertThat(device.pending()).isEqualTo(3);
        assertThat(device.take(Duration.ofSeconds(1))).containsExactly(7);
        assertThat(device.take(Duration.ofSeconds(1))).containsExactly(8);
        device.close();

        assertThat(kept.refCnt()).isZero();
        assertThat(device.pending()).isZero();
        ByteBuf late = Unpooled.wrappedBuffer(new byte[] {1});
        device.write(late);
        assertThat(late.refCnt()).as("a closed device drops what it is given").isZero();
        assertThat(device.take(Duration.ofMillis(1))).isNull();
    }
}
