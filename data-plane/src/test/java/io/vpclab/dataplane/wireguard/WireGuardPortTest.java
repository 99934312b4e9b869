package io.vpclab.dataplane.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.table.VpnGateway;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.WireGuardKeys;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A VPN gateway's port over loopback UDP against a Java endpoint standing for the customer gateway:
 * the VPC side starts the tunnel itself when a frame for on premises arrives and no session exists
 * (the customer gateway's address from the table, its port the configuration's ListenPort).
 */
class WireGuardPortTest {

    private static final MacAddress PORT_MAC = MacAddress.parse("02:00:00:00:00:03");
    private static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:00:01");

    private final ConcurrentLinkedQueue<String> onPremises = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ByteBuf> intoVpc = new ConcurrentLinkedQueue<>();
    private final DefaultEventLoop pipelineLoop = new DefaultEventLoop();
    private final byte[] gatewayKey = WireGuardKeys.generatePrivateKey();
    private final byte[] customerKey = WireGuardKeys.generatePrivateKey();
    private WireGuardEndpoint customerGateway;
    private WireGuardPort port;

    @AfterEach
    void close() {
        if (port != null) {
            port.close();
        }
        if (customerGateway != null) {
            customerGateway.close();
        }
        pipelineLoop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
        intoVpc.forEach(ByteBuf::release);
    }

    @Test
    void theVpcSideStartsTheTunnelWhenItSendsFirst() throws IOException {
        customerGateway = WireGuardEndpoint.open(
                customerKey,
                new InetSocketAddress("127.0.0.1", 0),
                WireGuardClock.system(),
                (peer, packet) -> onPremises.add(IpPackets.payload(ByteBufUtil.getBytes(packet))));
        // the customer gateway knows no endpoint: it cannot start a handshake itself
        customerGateway.addPeer(new WireGuardPeerConfig(
                WireGuardKeys.publicKey(gatewayKey), null, null, List.of(Ipv4Prefix.parse("10.7.0.0/16")), 0));
        openGatewayPort(WireGuardClock.system());

        port.write(frame(IpPackets.udp("10.7.2.10", "192.168.50.10", "from the VPC")));

        await().atMost(Duration.ofSeconds(20)).until(() -> onPremises.contains("from the VPC"));
        assertThat(port.tunnels())
                .singleElement()
                .satisfies(tunnel -> assertThat(tunnel.state()).isEqualTo(WireGuardPort.TunnelState.UP));

        assertReachesTheVpc("from on premises");
    }

    @Test
    void aRestartedCustomerGatewayBringsTheTunnelBackByItself() throws IOException {
        theVpcSideStartsTheTunnelWhenItSendsFirst();
        int customerPort = customerGateway.localAddress().getPort();
        customerGateway.close(); // its sessions are gone with it, as when wireguard-go is killed
        intoVpc.forEach(ByteBuf::release);
        intoVpc.clear();

        // started again with its configuration: the gateway's endpoint and a keepalive, as wg-quick's file has
        customerGateway = WireGuardEndpoint.open(
                customerKey,
                new InetSocketAddress("127.0.0.1", customerPort),
                WireGuardClock.system(),
                (peer, packet) -> onPremises.add(IpPackets.payload(ByteBufUtil.getBytes(packet))));
        customerGateway.addPeer(new WireGuardPeerConfig(
                WireGuardKeys.publicKey(gatewayKey),
                null,
                port.localAddress(),
                List.of(Ipv4Prefix.parse("10.7.0.0/16")),
                1));

        assertReachesTheVpc("after the restart");
        onPremises.clear();
        port.write(frame(IpPackets.udp("10.7.2.10", "192.168.50.10", "back again")));
        await().atMost(Duration.ofSeconds(20)).until(() -> onPremises.contains("back again"));
    }

    /**
     * A transfer both ways keeps flowing across three rekeys: the test drives both sides' protocol
     * clock 10 s per round over 400 s (rekey after 120 s of a session's age), and every round's
     * packets arrive over loopback UDP, while new handshakes replace the session each time.
     */
    @Test
    void aTransferBothWaysKeepsFlowingAcrossRekeys() throws IOException {
        FakeClock clock = new FakeClock();
        customerGateway = WireGuardEndpoint.open(
                customerKey,
                new InetSocketAddress("127.0.0.1", 0),
                clock,
                (peer, packet) -> onPremises.add(IpPackets.payload(ByteBufUtil.getBytes(packet))));
        openGatewayPort(clock);
        customerGateway.addPeer(new WireGuardPeerConfig(
                WireGuardKeys.publicKey(gatewayKey),
                null,
                port.localAddress(),
                List.of(Ipv4Prefix.parse("10.7.0.0/16")),
                0));

        java.util.Set<Long> handshakes = new java.util.TreeSet<>();
        int rounds = 40;
        for (int round = 0; round < rounds; round++) {
            clock.advance(Duration.ofSeconds(10));
            String fromVpc = "vpc-" + round;
            String fromSite = "site-" + round;
            port.write(frame(IpPackets.udp("10.7.2.10", "192.168.50.10", fromVpc)));
            if (round == 0) {
                // the VPC side starts: initiations crossing on the wire would each be answered as a
                // responder and wait for the 5 s retransmission, which this clock only moves per round
                await().atMost(Duration.ofSeconds(20)).until(() -> onPremises.contains(fromVpc));
            }
            ByteBuf packet = IpPackets.udp("192.168.50.10", "10.7.2.10", fromSite);
            customerGateway.send(packet);
            packet.release();
            await("round " + round + " (" + (round + 1) * 10 + " s)")
                    .atMost(Duration.ofSeconds(20))
                    .until(() ->
                            onPremises.contains(fromVpc) && payloadsIntoVpc().contains(fromSite));
            handshakes.add(customerGateway.peers().get(0).lastHandshakeEpochNanos());
        }

        assertThat(onPremises)
                .as("every packet from the VPC, once")
                .hasSize(rounds)
                .doesNotHaveDuplicates();
        assertThat(payloadsIntoVpc())
                .as("every packet from on premises, once")
                .hasSize(rounds)
                .doesNotHaveDuplicates();
        assertThat(handshakes)
                .as("a first handshake and a rekey every 120 s or so over 400 s")
                .hasSizeGreaterThanOrEqualTo(4);
        assertThat(port.drops(DropReason.STALE) + customerGateway.drops(DropReason.STALE))
                .as("no packet sealed on expired keys")
                .isZero();
        assertThat(port.tunnels())
                .singleElement()
                .satisfies(tunnel -> assertThat(tunnel.state()).isEqualTo(WireGuardPort.TunnelState.UP));
    }

    /** The payloads of the frames the port handed to the VPC's router so far. */
    private List<String> payloadsIntoVpc() {
        return intoVpc.stream()
                .map(frame -> IpPackets.payload(ByteBufUtil.getBytes(
                        frame,
                        frame.readerIndex() + Ethernet.HEADER_LENGTH,
                        frame.readableBytes() - Ethernet.HEADER_LENGTH)))
                .toList();
    }

    /** Sends {@code payload} from on premises until a frame carrying it leaves the port toward the VPC's router. */
    private void assertReachesTheVpc(String payload) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            ByteBuf packet = IpPackets.udp("192.168.50.10", "10.7.2.10", payload);
            customerGateway.send(packet);
            packet.release();
            return !intoVpc.isEmpty();
        });
        ByteBuf frame = intoVpc.peek();
        int offset = frame.readerIndex();
        assertThat(Ethernet.destination(frame, offset)).isEqualTo(ROUTER_MAC.bits());
        assertThat(Ethernet.source(frame, offset)).isEqualTo(PORT_MAC.bits());
        assertThat(Ethernet.etherType(frame, offset)).isEqualTo(EtherType.IPV4_VALUE);
        byte[] packet = ByteBufUtil.getBytes(frame, offset + Ethernet.HEADER_LENGTH, frame.readableBytes() - 14);
        assertThat(IpPackets.payload(packet)).isEqualTo(payload);
    }

    private static ByteBuf frame(ByteBuf packet) {
        ByteBuf frame = Unpooled.buffer(Ethernet.HEADER_LENGTH + packet.readableBytes());
        frame.writeShort((int) (PORT_MAC.bits() >>> 32)).writeInt((int) PORT_MAC.bits());
        frame.writeShort((int) (ROUTER_MAC.bits() >>> 32)).writeInt((int) ROUTER_MAC.bits());
        frame.writeShort(EtherType.IPV4_VALUE);
        frame.writeBytes(packet);
        packet.release();
        return frame;
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
    /** The VPC side: gateway vgw-1 with the customer gateway as its one peer (192.168.50.0/24), started on the pipeline's loop. */
    private void openGatewayPort(WireGuardClock clock) throws IOException {
        VpnGateway gateway = new VpnGateway(
                "vgw-1",
                gatewayKey,
                freeUdpPort(),
                List.of(new VpnGateway.Peer(
                        "vpn-1",
                        WireGuardKeys.fromBase64(customerGateway.publicKey()),
                        null,
                        Ipv4Address.parse("127.0.0.1"),
                        List.of(Ipv4Prefix.parse("192.168.50.0/24")))));
        port = WireGuardPort.open(
                "vgw-1",
                gateway,
                new InetSocketAddress("127.0.0.1", gateway.listenPort()),
                customerGateway.localAddress().getPort(),
                PORT_MAC,
                ROUTER_MAC,
                clock);
        port.start(pipelineLoop, intoVpc::add);
    }
}
