package io.vpclab.dataplane.underlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory twin behaves as the UDP underlay does where the pipeline can tell. */
class InMemoryUnderlayTest {

    private static final InetSocketAddress A = address(4789);
    private static final InetSocketAddress B = address(4790);

    private final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    private final InMemoryUnderlay a = hub.join(A);
    private final InMemoryUnderlay b = hub.join(B);
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger bursts = new AtomicInteger();

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private static ByteBuf text(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private void listenOnB() {
        b.onReadComplete(bursts::incrementAndGet);
        b.start((payload, sender) -> {
            received.add(payload.toString(StandardCharsets.US_ASCII) + " from " + sender.getPort());
            payload.release();
        });
    }

    @Test
    void nothingLeavesBeforeFlushAndOneFlushArrivesAsOneBurstFromTheChosenSourcePort() {
        listenOnB();
        a.loop()
                .submit(() -> {
                    a.send(text("one"), B, 50_000);
                    a.send(text("two"), B, 50_000);
                    assertThat(received).isEmpty();
                    a.flush();
                })
                .syncUninterruptibly();

        await().atMost(Duration.ofSeconds(5)).until(() -> bursts.get() == 1);
        assertThat(received).containsExactly("one from 50000", "two from 50000");
    }

    @Test
    void datagramsFromAnotherSourcePortStartANewBurst() {
        listenOnB();
        a.loop()
                .submit(() -> {
                    a.send(text("one"), B, 50_000);
                    a.send(text("two"), B, 50_001);
                    a.send(text("three"), B);
                    a.flush();
                })
                .syncUninterruptibly();

        await().atMost(Duration.ofSeconds(5)).until(() -> bursts.get() == 3);
        assertThat(received).containsExactly("one from 50000", "two from 50001", "three from " + A.getPort());
    }

    @Test
    void theDefaultSegmentedSendSplitsThePayloadIntoDatagrams() {
        listenOnB();
        a.loop()
                .submit(() -> {
                    a.sendSegments(text("abcdefghij"), 4, B, 50_000);
                    a.flush();
                })
                .syncUninterruptibly();

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
        assertThat(received).containsExactly("abcd from 50000", "efgh from 50000", "ij from 50000");
        ByteBuf refused = text("x");
        assertThatThrownBy(() -> a.sendSegments(refused, 0, B, 50_000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(refused.refCnt()).as("released on refusal").isZero();
    }

    @Test
    void aDatagramForAnAddressNobodyHoldsIsLostAndReleasedLikeUdp() {
        ByteBuf lost = text("lost");
        hub.inject(A, address(4999), lost);
        assertThat(lost.refCnt()).isZero();

        b.close();
        ByteBuf late = text("late");
        a.loop()
                .submit(() -> {
                    a.send(late, B);
                    a.flush();
                })
                .syncUninterruptibly();
        assertThat(late.refCnt()).as("the hub forgot the closed underlay").isZero();
    }

    @Test
    void anAddressIsHeldByOneUnderlayAtATime() {
        assertThatThrownBy(() -> hub.join(A))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already in use");
        a.close();
        InMemoryUnderlay again = hub.join(A);
        again.close();
    }

    @Test
    void aTestCanInjectADatagramFromAnyAddress() {
        listenOnB();
        hub.inject(address(1234), B, text("hello"));

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertThat(received).containsExactly("hello from 1234");
    }
}
