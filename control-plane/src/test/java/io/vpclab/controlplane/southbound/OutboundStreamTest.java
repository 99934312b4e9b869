package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The write queue of one table stream: order, a stalled agent that holds up no other, and one that falls behind. */
class OutboundStreamTest {

    private final ExecutorService writers = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        writers.shutdownNow();
    }

    @Test
    void eventsAreWrittenInTheOrderTheyWereQueued() {
        RecordingEmitter emitter = new RecordingEmitter(null);
        OutboundStream stream = new OutboundStream(emitter, writers, failure -> {});
        for (int i = 0; i < 200; i++) {
            assertThat(stream.offer(SseEmitter.event().id("a-" + i).data("x"))).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> emitter.written.size() == 200);
        for (int i = 0; i < 200; i++) {
            assertThat(emitter.written.get(i)).contains("id:a-" + i + "\n");
        }
        assertThat(stream.idle()).isTrue();
    }

    @Test
    void aStalledAgentHoldsUpNoOtherStreamAndIsDroppedOnceTooFarBehind() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        RecordingEmitter stalledEmitter = new RecordingEmitter(never);
        AtomicReference<Throwable> dropped = new AtomicReference<>();
        OutboundStream stalled = new OutboundStream(stalledEmitter, writers, dropped::set);
        RecordingEmitter healthyEmitter = new RecordingEmitter(null);
        OutboundStream healthy = new OutboundStream(healthyEmitter, writers, failure -> {});

        assertThat(stalled.offer(SseEmitter.event().data("first"))).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> stalledEmitter.blocked.getCount() == 0);
        healthy.offer(SseEmitter.event().data("while the other stalls"));
        await().atMost(Duration.ofSeconds(10))
                .alias("the other stream is written while one writer waits on the stalled agent")
                .until(() -> healthyEmitter.written.size() == 1);

        for (int i = 0; i < OutboundStream.MAX_QUEUED_EVENTS; i++) {
            assertThat(stalled.offer(SseEmitter.event().data("queued " + i))).isTrue();
        }
        assertThat(dropped.get()).isNull();
        assertThat(stalled.offer(SseEmitter.event().data("one too many")))
                .as("the queue is full")
                .isFalse();
        assertThat(dropped.get()).hasMessageContaining("events behind");
        assertThat(stalled.offer(SseEmitter.event().data("after the drop"))).isFalse();
        never.countDown();
    }

    /** Records what it is asked to send; with a latch, its first send waits on it (an agent that stopped reading). */
    private static final class RecordingEmitter extends SseEmitter {
        final List<String> written = new CopyOnWriteArrayList<>();
        final CountDownLatch blocked = new CountDownLatch(1);
        private final CountDownLatch release;

        RecordingEmitter(CountDownLatch release) {
            super(0L);
            this.release = release;
        }

        @Override
        public void send(SseEventBuilder builder) {
            if (release != null && blocked.getCount() == 1) {
                blocked.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            StringBuilder text = new StringBuilder();
            builder.build().forEach(part -> text.append(part.getData()));
            written.add(text.toString());
        }
    }
}
