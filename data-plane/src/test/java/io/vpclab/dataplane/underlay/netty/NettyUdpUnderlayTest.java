package io.vpclab.dataplane.underlay.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NettyUdpUnderlayTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private record Received(String text, InetSocketAddress sender, boolean onLoop) {}

    @ParameterizedTest(name = "epoll={0}")
    @ValueSource(booleans = {true, false})
    void deliversEveryDatagramOfABatchWithItsSenderOnTheLoop(boolean epoll) {
        UnderlayOptions options =
                epoll ? UnderlayOptions.defaults() : UnderlayOptions.defaults().withNio();
        try (NettyUdpUnderlay a = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT, options);
                NettyUdpUnderlay b = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT, options)) {
            assertThat(a.isEpoll()).isEqualTo(epoll && Epoll.isAvailable());
            List<Received> received = new CopyOnWriteArrayList<>();
            b.start((payload, sender) -> {
                try {
                    received.add(new Received(
                            payload.toString(StandardCharsets.US_ASCII),
                            sender,
                            b.loop().inEventLoop()));
                } finally {
                    payload.release();
                }
            });
            int count = 100;
            a.loop().execute(() -> {
                for (int i = 0; i < count; i++) {
                    a.send(Unpooled.copiedBuffer("datagram-" + i, StandardCharsets.US_ASCII), b.localAddress());
                }
                a.flush();
            });

            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == count);
            assertThat(received)
                    .extracting(Received::text)
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, count)
                            .mapToObj(i -> "datagram-" + i)
                            .toList());
            assertThat(received).allSatisfy(r -> {
                assertThat(r.sender()).isEqualTo(a.localAddress());
                assertThat(r.onLoop()).isTrue();
            });
            assertThat(a.sendDrops()).isZero();
            // the I/O edge: one flush is one send call for the 100; each receive call returned at least one
            var sent = a.loop().submit(a::offloadCounters).syncUninterruptibly().getNow();
            var got = b.loop().submit(b::offloadCounters).syncUninterruptibly().getNow();
            assertThat(sent).containsEntry("sendCalls", 1L).containsEntry("datagramsSent", (long) count);
            assertThat(got.get("datagramsReceived")).isEqualTo(count);
            assertThat(got.get("receiveCalls")).isBetween(1L, (long) count);
        }
    }

    /** RFC 7348 s5: the source port comes from the inner flow, in 49152..65535, stable per flow. */
    @ParameterizedTest(name = "epoll={0}")
    @ValueSource(booleans = {true, false})
    void flowsLeaveFromHashedSourcePortsAndAFlowKeepsItsPort(boolean epoll) {
        UnderlayOptions options =
                epoll ? UnderlayOptions.defaults() : UnderlayOptions.defaults().withNio();
        try (NettyUdpUnderlay a = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT, options);
                NettyUdpUnderlay b = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT, options)) {
            assertThat(a.flowSourcePorts())
                    .hasSize(NettyUdpUnderlay.FLOW_PORT_SOCKETS)
                    .allSatisfy(port -> assertThat(port).isBetween(49152, 65535));
            List<Received> received = new CopyOnWriteArrayList<>();
            b.start((payload, sender) -> {
                received.add(new Received(payload.toString(StandardCharsets.US_ASCII), sender, true));
                payload.release();
            });
            int flows = 64;
            a.loop().execute(() -> {
                for (int round = 0; round < 2; round++) {
                    for (int flow = 0; flow < flows; flow++) {
                        a.send(
                                Unpooled.copiedBuffer("flow-" + flow, StandardCharsets.US_ASCII),
                                b.localAddress(),
                                49152 + flow * 97);
                    }
                }
                a.flush();
            });

            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2 * flows);
            java.util.Map<String, java.util.Set<Integer>> portsByFlow = new java.util.HashMap<>();
            received.forEach(r -> portsByFlow
                    .computeIfAbsent(r.text(), f -> new java.util.HashSet<>())
                    .add(r.sender().getPort()));
            assertThat(portsByFlow.values())
                    .allSatisfy(ports -> assertThat(ports).hasSize(1));
            assertThat(received)
                    .extracting(r -> r.sender().getPort())
                    .doesNotContain(a.localAddress().getPort())
                    .allSatisfy(port -> assertThat(a.flowSourcePorts()).contains(port));
            assertThat(received.stream()
                            .map(r -> r.sender().getPort())
                            .distinct()
                            .count())
                    .isGreaterThan(1);
        }
    }

    /**
     * One buffer of equal-sized segments (the last shorter) leaves as one UDP_SEGMENT send where
     * GSO is on, and arrives as the same datagrams whether the receiver uses UDP_GRO (one read,
     * sliced) or recvmmsg; with GRO a burst ends with one read-complete call, not one per datagram.
     */
    @ParameterizedTest(name = "gso={0} gro={1}")
    @org.junit.jupiter.params.provider.CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void segmentsLeaveInOneGsoSendAndArriveAsSeparateDatagrams(boolean gso, boolean gro) {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Epoll.isAvailable(), "UDP GSO/GRO need Netty's epoll transport (Linux)");
        UnderlayOptions options = UnderlayOptions.defaults().withOffloads(gso, gro);
        try (NettyUdpUnderlay a = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT, options);
                NettyUdpUnderlay b = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT, options)) {
            assertThat(a.isGso()).isEqualTo(gso);
            assertThat(b.isGro()).isEqualTo(gro);
            List<String> received = new CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger bursts = new java.util.concurrent.atomic.AtomicInteger();
            assertThat(b.onReadComplete(bursts::incrementAndGet)).isTrue();
            b.start((payload, sender) -> {
                received.add(payload.toString(StandardCharsets.US_ASCII).strip());
                payload.release();
            });
            int segmentSize = 1000;
            int segments = 40;
            ByteBuf run = Unpooled.directBuffer(segments * segmentSize);
            for (int i = 0; i < segments; i++) {
                String text = "segment-" + i;
                int length = i == segments - 1 ? 300 : segmentSize; // the last one short
                run.writeCharSequence(text, StandardCharsets.US_ASCII);
                run.writeBytes(" ".repeat(length - text.length()).getBytes(StandardCharsets.US_ASCII));
            }
            a.loop().execute(() -> {
                a.sendSegments(run, segmentSize, b.localAddress(), 49152);
                a.flush();
            });

            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == segments);
            assertThat(received)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, segments)
                            .mapToObj(i -> "segment-" + i)
                            .toList());
            assertThat(a.offloadCounters().get("gsoSends")).isEqualTo(gso ? 1L : 0L);
            if (gso && gro) {
                // the kernel hands the whole run over in one read (or very few)
                assertThat(bursts.get()).isLessThan(segments / 4);
            }
            assertThat(a.sendDrops()).isZero();
        }
    }

    /**
     * A GRO socket fed datagrams the kernel did not coalesce (a sender without GSO) reads them
     * one per recvmsg; one wake-up must still drain many, so the receiver's burst (and the TAP
     * writes after it) is not one datagram long.
     */
    @Test
    void aGroSocketDrainsManyUncoalescedDatagramsPerBurst() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Epoll.isAvailable(), "UDP GRO needs Netty's epoll transport (Linux)");
        UnderlayOptions options = UnderlayOptions.defaults().withOffloads(false, true);
        try (NettyUdpUnderlay a = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT, options);
                NettyUdpUnderlay b = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT, options)) {
            List<String> received = new CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger bursts = new java.util.concurrent.atomic.AtomicInteger();
            b.onReadComplete(bursts::incrementAndGet);
            int count = 40;
            // queued in b's socket before b reads anything (it starts with reading off)
            a.loop()
                    .submit(() -> {
                        for (int i = 0; i < count; i++) {
                            a.send(Unpooled.copiedBuffer("datagram-" + i, StandardCharsets.US_ASCII), b.localAddress());
                        }
                        a.flush();
                    })
                    .syncUninterruptibly();
            b.start((payload, sender) -> {
                received.add(payload.toString(StandardCharsets.US_ASCII));
                payload.release();
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == count);
            assertThat(bursts.get()).as("read bursts for %d datagrams", count).isLessThan(count / 4);
        }
    }

    @Test
    void aSegmentedSendLargerThanOneDatagramIsRefused() {
        try (NettyUdpUnderlay a = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT)) {
            ByteBuf tooLong =
                    Unpooled.buffer(NettyUdpUnderlay.MAX_GSO_BYTES + 1).writeZero(NettyUdpUnderlay.MAX_GSO_BYTES + 1);
            assertThatThrownBy(() -> a.sendSegments(tooLong, 1000, a.localAddress(), 49152))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("65508 bytes");
            assertThat(tooLong.refCnt()).isZero();
        }
    }

    @Test
    void nothingQueuedLeavesBeforeFlush() {
        try (NettyUdpUnderlay a = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT);
                NettyUdpUnderlay b = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT)) {
            List<String> received = new CopyOnWriteArrayList<>();
            b.start((payload, sender) -> {
                received.add(payload.toString(StandardCharsets.US_ASCII));
                payload.release();
            });
            a.loop()
                    .submit(() -> a.send(Unpooled.copiedBuffer("first", StandardCharsets.US_ASCII), b.localAddress()))
                    .syncUninterruptibly();
            // a round trip on b's socket proves the first datagram had its chance to arrive
            try (NettyUdpUnderlay probe = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT)) {
                probe.loop()
                        .submit(() -> {
                            probe.send(Unpooled.copiedBuffer("probe", StandardCharsets.US_ASCII), b.localAddress());
                            probe.flush();
                        })
                        .syncUninterruptibly();
                await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("probe"));
            }
            assertThat(received).containsExactly("probe");

            a.loop().execute(a::flush);
            await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("first"));
        }
    }

    @Test
    void datagramsWaitInTheSocketUntilStart() {
        try (NettyUdpUnderlay a = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT);
                NettyUdpUnderlay b = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT)) {
            a.loop()
                    .submit(() -> {
                        a.send(Unpooled.copiedBuffer("early", StandardCharsets.US_ASCII), b.localAddress());
                        a.flush();
                    })
                    .syncUninterruptibly();
            List<String> received = new CopyOnWriteArrayList<>();
            b.start((payload, sender) -> {
                received.add(payload.toString(StandardCharsets.US_ASCII));
                payload.release();
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("early"));
        }
    }

    @Test
    void largestDatagramOfTheUnderlayMtuArrivesWhole() {
        UnderlayOptions options = UnderlayOptions.forUnderlayMtu(1500);
        try (NettyUdpUnderlay a = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT, options);
                NettyUdpUnderlay b = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT, options)) {
            List<Integer> sizes = new CopyOnWriteArrayList<>();
            b.start((payload, sender) -> {
                sizes.add(payload.readableBytes());
                payload.release();
            });
            a.loop().execute(() -> {
                ByteBuf full = Unpooled.buffer(options.maxDatagramBytes()).writeZero(options.maxDatagramBytes());
                a.send(full, b.localAddress());
                a.flush();
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> !sizes.isEmpty());
            assertThat(sizes).containsExactly(1472);
        }
    }

    /** A peer with a larger underlay MTU: its datagram must not arrive cut to ours, or the cut frame would pass. */
    @ParameterizedTest(name = "epoll={0}")
    @ValueSource(booleans = {true, false})
    void aDatagramOverTheUnderlayMtuArrivesLongerThanTheMtuAllows(boolean epoll) {
        UnderlayOptions options = epoll
                ? UnderlayOptions.forUnderlayMtu(1500)
                : UnderlayOptions.forUnderlayMtu(1500).withNio();
        UnderlayOptions jumbo = UnderlayOptions.forUnderlayMtu(9000);
        try (NettyUdpUnderlay a = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT, jumbo);
                NettyUdpUnderlay b = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT, options)) {
            List<Integer> sizes = new CopyOnWriteArrayList<>();
            b.start((payload, sender) -> {
                sizes.add(payload.readableBytes());
                payload.release();
            });
            a.loop().execute(() -> {
                a.send(Unpooled.buffer(2000).writeZero(2000), b.localAddress());
                a.flush();
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> !sizes.isEmpty());
            assertThat(sizes)
                    .singleElement()
                    .satisfies(size -> assertThat(size).isGreaterThan(options.maxDatagramBytes()));
        }
    }

    @Test
    void bindingABusyPortFailsWithTheAddress() {
        try (NettyUdpUnderlay a = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT)) {
            assertThatThrownBy(() -> NettyUdpUnderlay.bind(a.localAddress()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot bind UDP")
                    .hasMessageContaining(String.valueOf(a.localAddress().getPort()));
        }
    }

    @Test
    void closeIsIdempotentAndStopsTheLoop() {
        NettyUdpUnderlay a = NettyUdpUnderlay.bind(ANY_LOOPBACK_PORT);
        a.close();
        a.close();
        assertThat(a.loop().isShuttingDown()).isTrue();
    }

    @Test
    void optionsRejectImpossibleSizes() {
        assertThatThrownBy(() -> UnderlayOptions.forUnderlayMtu(80))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxDatagramBytes");
        assertThatThrownBy(() -> new UnderlayOptions(1472, 0, 1 << 20, 1 << 20, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("receiveBatch");
    }
}
