package io.vpclab.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vpclab.dataplane.offload.TestFrames;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.InMemoryFrameDevice;
import io.vpclab.dataplane.port.MultiQueueDevice;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import io.vpclab.dataplane.underlay.Underlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A VTEP with two event loops over the in-memory underlay (two members sharing one address, as
 * sockets with SO_REUSEPORT): B runs two loops with a two-queue port q, A one loop with port p.
 * Frames carry a sequence number in their payload so loss and duplication show.
 */
class VtepEventLoopsTest {

    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final int VNI = 100;
    static final MacAddress P_MAC = MacAddress.parse("02:00:0a:00:01:05");
    static final MacAddress Q_MAC = MacAddress.parse("02:00:0a:00:01:06");
    static final Ipv4Address P_IP = Ipv4Address.parse("10.0.1.5");
    static final Ipv4Address Q_IP = Ipv4Address.parse("10.0.1.6");
    static final InetSocketAddress A = new InetSocketAddress("10.255.0.1", Vxlan.PORT);
    static final InetSocketAddress B = new InetSocketAddress("10.255.0.2", Vxlan.PORT);

    final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    final Underlay underlayA = hub.join(A);
    final List<InMemoryUnderlay> underlaysB = hub.joinGroup(B, 2);
    final Vtep a = new Vtep(underlayA);
    final Vtep b = new Vtep(underlaysB, System::nanoTime, Vtep.NAT_SESSION_CAPACITY);
    final InMemoryFrameDevice p = new InMemoryFrameDevice("p");
    final List<InMemoryFrameDevice> q = List.of(new InMemoryFrameDevice("q"), new InMemoryFrameDevice("q"));

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    static ForwardingState table(
            InetSocketAddress self,
            InetSocketAddress peer,
            String portId,
            MacAddress mac,
            Ipv4Address ip,
            MacAddress remoteMac) {
        return ForwardingState.builder()
                .generation(1)
                .host(new TableHost(new Ipv4Address(Ipv4Address.bitsOf(self.getAddress())), self.getPort(), 1500))
                .vtep(new RemoteVtep("peer", new Ipv4Address(Ipv4Address.bitsOf(peer.getAddress())), peer.getPort()))
                .segment(Segment.l2(Vni.of(VNI), List.of("peer")))
                .port(LocalPort.simulated(portId, Vni.of(VNI), mac, ip, 24, null))
                .mac(new MacEntry(Vni.of(VNI), remoteMac, "peer"))
                .build();
    }

    void start() {
        a.apply(table(A, B, "p", P_MAC, P_IP, Q_MAC));
        b.apply(table(B, A, "q", Q_MAC, Q_IP, P_MAC));
        a.attachPort("p", p);
        b.attachPort("q", new MultiQueueDevice("q", q));
    }

    /** A TCP frame of flow {@code sourcePort} carrying {@code sequence}; from p to q, or back when {@code fromQ}. */
    static byte[] frame(boolean fromQ, int sourcePort, int sequence) {
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.sourceMac = (fromQ ? Q_MAC : P_MAC).bits();
        spec.destinationMac = (fromQ ? P_MAC : Q_MAC).bits();
        spec.sourceIp = (fromQ ? Q_IP : P_IP).bits();
        spec.destinationIp = (fromQ ? P_IP : Q_IP).bits();
        spec.sourcePort = sourcePort;
        return TestFrames.frame(spec, ByteBuffer.allocate(4).putInt(sequence).array(), true);
    }

    static int sequenceOf(byte[] frame) {
        return ByteBuffer.wrap(frame, frame.length - 4, 4).getInt();
    }

    static int sourcePortOf(byte[] frame) {
        return ((frame[34] & 0xFF) << 8) | (frame[35] & 0xFF); // Ethernet 14 + IPv4 20
    }

    /** Takes {@code count} frames (bounded by the deadline) and records each sequence; fails on a duplicate. */
    static void drain(InMemoryFrameDevice device, Set<Integer> sequences, Map<Integer, Integer> queueOfFlow, int queue)
            throws InterruptedException {
        byte[] frame;
        while ((frame = device.take(Duration.ZERO)) != null) {
            assertThat(sequences.add(sequenceOf(frame)))
                    .as("frame %d delivered once", sequenceOf(frame))
                    .isTrue();
            Integer earlier = queueOfFlow.putIfAbsent(sourcePortOf(frame), queue);
            assertThat(earlier == null || earlier == queue)
                    .as("flow %d kept on one loop", sourcePortOf(frame))
                    .isTrue();
        }
    }

    @Test
    void flowsSpreadOverBothLoopsEachFlowOnOneLoopNothingLostOrDuplicated() throws InterruptedException {
        start();
        int flows = 64;
        int frames = 4_000;
        for (int i = 0; i < frames; i++) {
            p.inject(frame(false, 40_000 + i % flows, i));
        }
        Set<Integer> sequences = new HashSet<>();
        Map<Integer, Integer> queueOfFlow = new HashMap<>();
        await().atMost(DEADLINE).untilAsserted(() -> {
            drain(q.get(0), sequences, queueOfFlow, 0);
            drain(q.get(1), sequences, queueOfFlow, 1);
            assertThat(sequences).hasSize(frames);
        });
        assertThat(queueOfFlow).hasSize(flows);
        assertThat(queueOfFlow.values()).contains(0, 1);

        List<CountersSnapshot> perLoop = b.countersPerLoop();
        assertThat(perLoop).hasSize(2);
        assertThat(perLoop.get(0).host().packetsIn()).isPositive();
        assertThat(perLoop.get(1).host().packetsIn()).isPositive();
        CountersSnapshot total = b.counters();
        assertThat(total.host().packetsIn()).isEqualTo(frames);
        assertThat(total.port("q").packetsOut()).isEqualTo(frames);
        assertThat(perLoop.get(0).port("q").packetsOut()
                        + perLoop.get(1).port("q").packetsOut())
                .isEqualTo(frames);
        assertThat(total.segment(VNI).packetsIn()).isEqualTo(frames);
    }

    @Test
    void bothQueuesSendingAtOnceLoseAndDuplicateNothing() throws InterruptedException {
        start();
        int perQueue = 3_000;
        AtomicBoolean failed = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (int queue = 0; queue < 2; queue++) {
            int base = queue * perQueue;
            InMemoryFrameDevice device = q.get(queue);
            Thread sender = new Thread(() -> {
                try {
                    for (int i = 0; i < perQueue; i++) {
                        device.inject(frame(true, 50_000 + (base + i) % 32, base + i));
                    }
                } catch (RuntimeException e) {
                    failed.set(true);
                }
            });
            senders.add(sender);
            sender.start();
        }
        for (Thread sender : senders) {
            sender.join(DEADLINE.toMillis());
        }
        assertThat(failed).isFalse();
        Set<Integer> sequences = ConcurrentHashMap.newKeySet();
        Map<Integer, Integer> flows = new HashMap<>();
        await().atMost(DEADLINE).untilAsserted(() -> {
            drain(p, sequences, flows, 0);
            assertThat(sequences).hasSize(2 * perQueue);
        });
        List<CountersSnapshot> perLoop = b.countersPerLoop();
        assertThat(perLoop.get(0).port("q").packetsIn()).isEqualTo(perQueue);
        assertThat(perLoop.get(1).port("q").packetsIn()).isEqualTo(perQueue);
        assertThat(b.counters().host().packetsOut()).isEqualTo(2L * perQueue);
        assertThat(a.counters().port("p").packetsOut()).isEqualTo(2L * perQueue);
    }

    @Test
    void aTableSwapIsSeenByBothLoops() {
        b.attachPort("q", new MultiQueueDevice("q", q));
        // before B has a table, datagrams on both loops are dropped: VNI not served
        InetSocketAddress[] senders = sendersSteeredToEachLoop();
        for (InetSocketAddress sender : senders) {
            hub.inject(sender, B, datagram(frame(false, 40_000, 1)));
        }
        await().atMost(DEADLINE).untilAsserted(() -> {
            List<CountersSnapshot> perLoop = b.countersPerLoop();
            assertThat(perLoop.get(0).host().totalDrops()).isEqualTo(1);
            assertThat(perLoop.get(1).host().totalDrops()).isEqualTo(1);
        });
        b.apply(table(B, senders[0], "q", Q_MAC, Q_IP, P_MAC));
        // the table names only senders[0]'s address as a VTEP, and it is the same address for both
        for (int loop = 0; loop < 2; loop++) {
            hub.inject(senders[loop], B, datagram(frame(false, 40_000, 10 + loop)));
        }
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(q.get(0).pending()).isEqualTo(1);
            assertThat(q.get(1).pending()).isEqualTo(1);
        });
        assertThat(b.counters().host().totalDrops()).isEqualTo(2);
    }

    @Test
    void aMultiQueuePortNeedsOneQueuePerLoop() {
        start();
        assertThatThrownBy(() -> b.attachPort("r", new MultiQueueDevice("r", List.of(new InMemoryFrameDevice("r")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 device queues for 2 event loops");
        // nothing was attached: the name is still free
        b.attachPort("r", new InMemoryFrameDevice("r"));
    }

    /** Two sender addresses of one VTEP (same IP, two source ports), steered to loop 0 and loop 1. */
    static InetSocketAddress[] sendersSteeredToEachLoop() {
        InetSocketAddress[] found = new InetSocketAddress[2];
        for (int port = Vxlan.SOURCE_PORT_MIN; found[0] == null || found[1] == null; port++) {
            InetSocketAddress sender = new InetSocketAddress(A.getAddress(), port);
            found[InMemoryUnderlay.Hub.steer(sender, 2)] = sender;
        }
        return found;
    }

    static io.netty.buffer.ByteBuf datagram(byte[] frame) {
        io.netty.buffer.ByteBuf payload = io.netty.buffer.Unpooled.buffer(Vxlan.HEADER_LENGTH + frame.length);
        payload.writeZero(Vxlan.HEADER_LENGTH);
        Vxlan.write(payload, 0, VNI);
        return payload.writeBytes(frame);
    }
}
