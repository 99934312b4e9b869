package io.vpclab.dataplane.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.vpclab.net.WireGuardKeys;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two Java endpoints over loopback UDP (no root needed). */
class WireGuardEndpointTest {

    private final ConcurrentLinkedQueue<String> atA = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> atB = new ConcurrentLinkedQueue<>();
    private final byte[] aKey = WireGuardKeys.generatePrivateKey();
    private final byte[] bKey = WireGuardKeys.generatePrivateKey();
    private WireGuardEndpoint a;
    private WireGuardEndpoint b;

    @AfterEach
    void close() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static WireGuardEndpoint open(byte[] key, ConcurrentLinkedQueue<String> delivered) {
        return WireGuardEndpoint.open(
                key,
                new InetSocketAddress("127.0.0.1", 0),
                WireGuardClock.system(),
                (peer, packet) -> delivered.add(IpPackets.payload(ByteBufUtil.getBytes(packet))));
    }

    private static void send(WireGuardEndpoint endpoint, String source, String destination, String payload) {
        ByteBuf packet = IpPackets.udp(source, destination, payload);
        endpoint.send(packet);
        packet.release();
    }

    @Test
    void packetsCrossLoopbackBothWays() {
        a = open(aKey, atA);
        b = open(bKey, atB);
        a.addPeer(WireGuardPeerConfig.of(b.publicKey(), b.localAddress(), "10.0.2.0/24"));
        b.addPeer(WireGuardPeerConfig.of(a.publicKey(), null, "10.0.1.0/24"));

        for (int i = 0; i < 5; i++) {
            send(a, "10.0.1.1", "10.0.2.1", "to b " + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> atB.size() == 5);
        send(b, "10.0.2.1", "10.0.1.1", "to a");
        await().atMost(Duration.ofSeconds(10)).until(() -> atA.size() == 1);

        assertThat(atB).containsExactly("to b 0", "to b 1", "to b 2", "to b 3", "to b 4");
        assertThat(atA).containsExactly("to a");
        List<WireGuardPeer> peersOfB = b.peers();
        assertThat(peersOfB.get(0).endpoint()).isEqualTo(a.localAddress());
        assertThat(peersOfB.get(0).rxPackets()).isEqualTo(5);
    }

    @Test
    void aWrongKeyNeverHandsOverAPacket() {
        a = open(aKey, atA);
        b = open(bKey, atB);
        byte[] notB = WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey());
        a.addPeer(WireGuardPeerConfig.of(WireGuardKeys.toBase64(notB), b.localAddress(), "10.0.2.0/24"));
        b.addPeer(WireGuardPeerConfig.of(a.publicKey(), null, "10.0.1.0/24"));

        send(a, "10.0.1.1", "10.0.2.1", "secret");

        await().atMost(Duration.ofSeconds(10)).until(() -> b.drops(DropReason.BAD_MAC) >= 1);
        assertThat(atB).isEmpty();
        assertThat(b.peers().get(0).rxPackets()).isZero();
    }
}
