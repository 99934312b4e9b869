package io.vpclab.dataplane.underlay.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.epoll.Epoll;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Several underlay sockets on one address with SO_REUSEPORT, on loopback (no root needed). */
class NettyUdpUnderlayGroupTest {

    @Test
    void socketsShareOnePortAndTheKernelKeepsEachFlowOnOneOfThem() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "SO_REUSEPORT needs Netty's epoll transport (Linux)");
        List<NettyUdpUnderlay> group =
                NettyUdpUnderlay.bindGroup(new InetSocketAddress("127.0.0.1", 0), UnderlayOptions.defaults(), 2);
        try {
            assertThat(group).hasSize(2);
            assertThat(group.get(1).localAddress()).isEqualTo(group.get(0).localAddress());
            assertThat(group.get(0).loop()).isNotSameAs(group.get(1).loop());
            Map<String, Set<Integer>> socketsOfFlow = new ConcurrentHashMap<>();
            Set<String> received = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < group.size(); i++) {
                int socket = i;
                NettyUdpUnderlay underlay = group.get(i);
                underlay.start((payload, sender) -> {
                    String text = payload.toString(StandardCharsets.US_ASCII);
                    payload.release();
                    assertThat(underlay.loop().inEventLoop()).isTrue();
                    received.add(text);
                    socketsOfFlow
                            .computeIfAbsent(text.substring(0, text.indexOf('/')), f -> ConcurrentHashMap.newKeySet())
                            .add(socket);
                });
            }
            int flows = 32;
            int perFlow = 10;
            List<DatagramSocket> senders = new ArrayList<>();
            try {
                for (int f = 0; f < flows; f++) {
                    DatagramSocket sender = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                    senders.add(sender);
                    for (int n = 0; n < perFlow; n++) {
                        byte[] text = ("flow" + f + "/" + n).getBytes(StandardCharsets.US_ASCII);
                        sender.send(new DatagramPacket(
                                text, text.length, group.get(0).localAddress()));
                    }
                }
            } finally {
                senders.forEach(DatagramSocket::close);
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == flows * perFlow);
            assertThat(socketsOfFlow).hasSize(flows);
            assertThat(socketsOfFlow.values())
                    .allSatisfy(sockets -> assertThat(sockets).hasSize(1));
            Set<Integer> used = new HashSet<>();
            socketsOfFlow.values().forEach(used::addAll);
            assertThat(used).containsExactlyInAnyOrder(0, 1);
        } finally {
            group.forEach(NettyUdpUnderlay::close);
        }
    }

    @Test
    void oneSocketNeedsNoReusePort() {
        List<NettyUdpUnderlay> group =
                NettyUdpUnderlay.bindGroup(new InetSocketAddress("127.0.0.1", 0), UnderlayOptions.defaults(), 1);
        try {
            assertThat(group).hasSize(1);
            // a second plain bind to the same port is refused: no SO_REUSEPORT was set
            InetSocketAddress taken = group.get(0).localAddress();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> NettyUdpUnderlay.bind(taken))
                    .hasMessageContaining("cannot bind");
        } finally {
            group.forEach(NettyUdpUnderlay::close);
        }
    }
}
