package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Tcp;
import io.vpclab.dataplane.table.EgressPolicy;
import io.vpclab.dataplane.table.NatGateway;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NatSessionsTest {

    static final int TCP = IpProtocol.TCP_VALUE;
    static final int UDP = IpProtocol.UDP_VALUE;
    static final int PUBLIC = Ipv4Address.parse("203.0.113.20").bits();
    static final int REMOTE = Ipv4Address.parse("198.51.100.10").bits();

    final AtomicLong clock = new AtomicLong(1_000_000_000L);

    static NatGateway gateway(int portMin, int portMax, int tcpIdle, int udpIdle) {
        return new NatGateway(
                "nat-1",
                "p",
                new Ipv4Address(PUBLIC),
                portMin,
                portMax,
                tcpIdle,
                udpIdle,
                EgressPolicy.ALLOW_ALL,
                java.util.List.of(Ipv4Prefix.parse("10.0.0.0/8")));
    }

    static int privateIp(int i) {
        return 0x0A00_0000 | i;
    }

    @Test
    void bothIndexesAgreeWithAModelThroughRandomChurn() {
        NatSessions sessions = new NatSessions(gateway(1024, 65535, 300, 300), 512, clock::get);
        Map<Long, Integer> model = new HashMap<>(); // outbound key -> public port
        Random random = new Random(42);
        for (int step = 0; step < 50_000; step++) {
            int host = random.nextInt(64);
            int port = 40_000 + random.nextInt(16);
            int remotePort = 80 + random.nextInt(4);
            long key = ((long) host << 32) | ((long) port << 16) | remotePort;
            long now = clock.get();
            int found = sessions.findOutbound(UDP, privateIp(host), port, REMOTE, remotePort, now);
            Integer expected = model.get(key);
            if (expected == null) {
                assertThat(found).isEqualTo(NatSessions.NOT_FOUND);
                int created = sessions.create(UDP, privateIp(host), port, REMOTE, remotePort, now);
                if (created >= 0) {
                    model.put(key, sessions.publicPort(created));
                }
            } else {
                assertThat(found).isNotNegative();
                assertThat(sessions.publicPort(found)).isEqualTo(expected);
                int back = sessions.findInbound(UDP, expected, REMOTE, remotePort, now);
                assertThat(back).isEqualTo(found);
                assertThat(sessions.privateIp(back)).isEqualTo(privateIp(host));
                assertThat(sessions.privatePort(back)).isEqualTo(port);
                if (random.nextInt(4) == 0) { // let it close: a FIN-less UDP flow just idles out below
                    sessions.outbound(found, 60, 0, now);
                }
            }
            if (step % 5_000 == 4_999) { // everything idles out: the model forgets it all
                clock.addAndGet(TimeUnit.SECONDS.toNanos(301));
                model.clear();
            }
        }
        assertThat(sessions.active()).isEqualTo(model.size());
    }

    @Test
    void theListingHoldsTheNewestSessionsNewestFirst() {
        NatSessions sessions = new NatSessions(gateway(1024, 65535, 300, 300), 256, clock::get);
        Random random = new Random(7);
        Map<Integer, Long> createdAtByPrivatePort = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            clock.addAndGet(random.nextInt(3)); // equal creation times too: ties list in slot order
            int privatePort = 10_000 + i;
            sessions.create(UDP, privateIp(1), privatePort, REMOTE, 53, clock.get());
            createdAtByPrivatePort.put(privatePort, clock.get());
        }

        java.util.List<Long> listed = sessions.snapshot(25).sessions().stream()
                .map(session -> createdAtByPrivatePort.get(session.privatePort()))
                .toList();

        java.util.List<Long> newest = createdAtByPrivatePort.values().stream()
                .sorted(java.util.Comparator.reverseOrder())
                .limit(25)
                .toList();
        assertThat(listed).containsExactlyElementsOf(newest);
        assertThat(sessions.snapshot(1000).sessions()).hasSize(200);
        assertThat(sessions.snapshot(0).sessions()).isEmpty();
    }

    @Test
    void publicPortsAreUniquePerDestinationAndReusedAcrossDestinations() {
        NatSessions sessions = new NatSessions(gateway(5000, 5001, 300, 300), 64, clock::get);
        long now = clock.get();

        int a = sessions.create(UDP, privateIp(1), 1111, REMOTE, 53, now);
        int b = sessions.create(UDP, privateIp(2), 1111, REMOTE, 53, now);
        int full = sessions.create(UDP, privateIp(3), 1111, REMOTE, 53, now);
        int otherPort = sessions.create(UDP, privateIp(3), 1111, REMOTE, 54, now);
        int otherProtocol = sessions.create(TCP, privateIp(3), 1111, REMOTE, 53, now);

        assertThat(sessions.publicPort(a)).isNotEqualTo(sessions.publicPort(b));
        assertThat(full).isEqualTo(NatSessions.NO_PORT);
        assertThat(otherPort).isNotNegative();
        assertThat(otherProtocol).isNotNegative();
    }

    @Test
    void aFullTableRefusesNewSessionsUntilOneIdlesOut() {
        NatSessions sessions = new NatSessions(gateway(1024, 65535, 300, 30), 4, clock::get);
        for (int i = 0; i < 4; i++) {
            assertThat(sessions.create(UDP, privateIp(i), 1000, REMOTE, 53, clock.get()))
                    .isNotNegative();
        }
        assertThat(sessions.create(UDP, privateIp(9), 1000, REMOTE, 53, clock.get()))
                .isEqualTo(NatSessions.TABLE_FULL);

        clock.addAndGet(TimeUnit.SECONDS.toNanos(30));

        assertThat(sessions.create(UDP, privateIp(9), 1000, REMOTE, 53, clock.get()))
                .isNotNegative();
        assertThat(sessions.active()).isEqualTo(1);
    }

    @Test
    void tcpSessionsShortenTheirTimeoutOnceClosing() {
        NatSessions sessions = new NatSessions(gateway(1024, 65535, 300, 30), 16, clock::get);
        int s = sessions.create(TCP, privateIp(1), 40000, REMOTE, 443, clock.get());
        sessions.outbound(s, 60, Tcp.SYN, clock.get());
        sessions.inbound(s, 60, Tcp.SYN | Tcp.ACK, clock.get());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(200));
        assertThat(sessions.findOutbound(TCP, privateIp(1), 40000, REMOTE, 443, clock.get()))
                .isEqualTo(s);
        assertThat(sessions.snapshot(10).sessions().get(0).state()).isEqualTo("ESTABLISHED");

        sessions.outbound(s, 60, Tcp.FIN | Tcp.ACK, clock.get());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(10));

        assertThat(sessions.findInbound(TCP, sessions.publicPort(s), REMOTE, 443, clock.get()))
                .isEqualTo(NatSessions.EXPIRED);
        assertThat(sessions.active()).isZero();
    }

    @Test
    void aNewPublicAddressEndsEverySession() {
        NatSessions sessions = new NatSessions(gateway(1024, 65535, 300, 30), 16, clock::get);
        sessions.create(UDP, privateIp(1), 1000, REMOTE, 53, clock.get());

        sessions.configure(new NatGateway(
                "nat-1",
                "p",
                Ipv4Address.parse("203.0.113.99"),
                1024,
                65535,
                300,
                30,
                EgressPolicy.ALLOW_ALL,
                java.util.List.of()));

        assertThat(sessions.active()).isZero();
        assertThat(sessions.snapshot(10).sessionsCreated()).isEqualTo(1);
    }
}
