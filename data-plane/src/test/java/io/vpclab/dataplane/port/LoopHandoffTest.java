package io.vpclab.dataplane.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hand-off to a device on another loop is bounded: a flood while the owner loop is busy keeps
 * {@link LoopHandoff#MAX_PENDING_FRAMES} frames and drops (releases and counts) the rest, instead
 * of queueing every frame; what was handed over arrives in order and is flushed.
 */
class LoopHandoffTest {

    private final EventLoop owner = new DefaultEventLoop();
    private final EventLoop writer = new DefaultEventLoop();

    @AfterEach
    void stop() {
        owner.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        writer.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aFloodWhileTheOwnerIsBusyIsBoundedAndTheRestIsDroppedAndCounted() throws Exception {
        List<Integer> written = new ArrayList<>();
        AtomicInteger flushes = new AtomicInteger();
        AtomicInteger writtenBeforeLastFlush = new AtomicInteger();
        FrameDevice device = new FrameDevice() {
            @Override
            public String name() {
                return "vpn-gateway";
            }

            @Override
            public void start(EventLoop loop, FrameSink sink) {}

            @Override
            public void write(ByteBuf frame) {
                written.add(frame.getInt(0));
                frame.release();
            }

            @Override
            public void flush() {
                flushes.incrementAndGet();
                writtenBeforeLastFlush.set(written.size());
            }

            @Override
            public void close() {}
        };
        AtomicInteger dropped = new AtomicInteger();
        LoopHandoff handoff = new LoopHandoff(device, owner, dropped::incrementAndGet);
        CountDownLatch busy = new CountDownLatch(1);
        owner.execute(() -> {
            try {
                busy.await(30, TimeUnit.SECONDS); // bounded: a failing test still ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        int flood = 3 * LoopHandoff.MAX_PENDING_FRAMES;
        List<ByteBuf> frames = new ArrayList<>();
        writer.submit(() -> {
                    for (int i = 0; i < flood; i++) {
                        ByteBuf frame = Unpooled.buffer(64).writeInt(i).writeZero(60);
                        frames.add(frame);
                        handoff.write(frame);
                        handoff.flush(); // a read batch of one frame, the worst case for flush tasks
                    }
                })
                .get(10, TimeUnit.SECONDS);
        assertThat(dropped.get()).isEqualTo(flood - LoopHandoff.MAX_PENDING_FRAMES);
        assertThat(frames.subList(LoopHandoff.MAX_PENDING_FRAMES, flood))
                .as("dropped frames are released at once")
                .allSatisfy(frame -> assertThat(frame.refCnt()).isZero());

        busy.countDown();
        owner.submit(() -> {}).get(10, TimeUnit.SECONDS);
        assertThat(written).hasSize(LoopHandoff.MAX_PENDING_FRAMES);
        for (int i = 0; i < written.size(); i++) {
            assertThat(written.get(i)).isEqualTo(i);
        }
        assertThat(flushes.get())
                .as("a flush only after frames that were handed over")
                .isEqualTo(LoopHandoff.MAX_PENDING_FRAMES);
        assertThat(writtenBeforeLastFlush.get()).isEqualTo(LoopHandoff.MAX_PENDING_FRAMES);

        // drained, the hand-off takes frames again
        writer.submit(() -> {
                    handoff.write(Unpooled.buffer(64).writeInt(-1).writeZero(60));
                    handoff.flush();
                })
                .get(10, TimeUnit.SECONDS);
        owner.submit(() -> {}).get(10, TimeUnit.SECONDS);
        assertThat(written).hasSize(LoopHandoff.MAX_PENDING_FRAMES + 1).last().isEqualTo(-1);
        assertThat(dropped.get()).isEqualTo(flood - LoopHandoff.MAX_PENDING_FRAMES);
    }
}
