package io.vpclab.dataplane.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.linux.Netns;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.WireGuardKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our endpoint against the real thing: Debian's {@code wireguard-go} on a TUN in one network
 * namespace (the "on-premises" site, 10.77.0.2), our {@link WireGuardEndpoint} with an
 * {@link IpResponder} behind it (10.77.0.1) in another, joined by a veth. Root and
 * {@code wireguard-go} only (CI has both); skips with the reason elsewhere.
 */
class WireGuardGoInteropTest {

    private static final String JAVA_UNDERLAY = "192.168.231.1";
    private static final String PEER_UNDERLAY = "192.168.231.2";
    private static final String JAVA_TUNNEL = "10.77.0.1";
    private static final String PEER_TUNNEL = "10.77.0.2";
    private static final int PEER_PORT = 51820;

    private final String suffix =
            HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    private final String javaNs = "wgj" + suffix;
    private final String peerNs = "wgp" + suffix;
    /** The UAPI socket /var/run/wireguard/IF.sock is shared by every namespace: one name per run. */
    private final String tunnel = "wgt" + suffix;

    private final IpResponder responder = new IpResponder();
    private final byte[] javaKey = WireGuardKeys.generatePrivateKey();
    private final byte[] peerKey = WireGuardKeys.generatePrivateKey();
    private Path keyFile;
    private WireGuardEndpoint endpoint;
    private WireGuardPeer peer;
    private Process wireguardGo;
    private int javaPort;

    @BeforeEach
    void network() throws Exception {
        assumeTrue(Netns.isRoot(), "the WireGuard interop test needs root (network namespaces, a TUN)");
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/wireguard-go")) && Files.isExecutable(Path.of("/usr/bin/wg")),
                "the WireGuard interop test needs wireguard-go and wireguard-tools (apt-get install wireguard-go"
                        + " wireguard-tools)");
        Netns.run("ip", "netns", "add", javaNs);
        Netns.run("ip", "netns", "add", peerNs);
        Netns.run("ip", "-n", javaNs, "link", "set", "lo", "up");
        Netns.run("ip", "-n", peerNs, "link", "set", "lo", "up");
        Netns.vethBetween(javaNs, JAVA_UNDERLAY + "/24", peerNs, PEER_UNDERLAY + "/24");
        keyFile = Files.createTempFile("wg-interop", ".key");
        Files.writeString(keyFile, WireGuardKeys.toBase64(peerKey) + "\n");
    }

    @AfterEach
    void cleanUp() throws IOException {
        stopWireGuardGo();
        if (endpoint != null) {
            endpoint.close();
        }
        Netns.runQuietly("ip", "netns", "del", javaNs);
        Netns.runQuietly("ip", "netns", "del", peerNs);
        if (keyFile != null) {
            Files.deleteIfExists(keyFile);
        }
    }

    private void openJavaEndpoint() throws Exception {
        endpoint = Netns.createIn(
                javaNs,
                () -> WireGuardEndpoint.open(
                        javaKey,
                        new InetSocketAddress(JAVA_UNDERLAY, 0),
                        WireGuardClock.system(),
                        (from, packet) -> reply(packet)));
        javaPort = endpoint.localAddress().getPort();
        peer = endpoint.addPeer(WireGuardPeerConfig.of(
                WireGuardKeys.toBase64(WireGuardKeys.publicKey(peerKey)),
                new InetSocketAddress(PEER_UNDERLAY, PEER_PORT),
                PEER_TUNNEL + "/32"));
    }

    private void reply(ByteBuf packet) {
        ByteBuf answer = responder.answer(packet);
        if (answer != null) {
            endpoint.send(answer);
            answer.release();
        }
    }

    /** wireguard-go in the foreground, configured with wg(8) to know {@code javaPublicKey}. */
    private void startWireGuardGo(byte[] javaPublicKey) throws IOException {
        wireguardGo = new ProcessBuilder("ip", "netns", "exec", peerNs, "wireguard-go", "-f", tunnel)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        // the TUN appears once wireguard-go is up; a failed 'ip link show' means not yet
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() ->
                        Netns.run("ip", "-n", peerNs, "link", "show", tunnel).contains(tunnel));
        Netns.run(
                "ip",
                "netns",
                "exec",
                peerNs,
                "wg",
                "set",
                tunnel,
                "private-key",
                keyFile.toString(),
                "listen-port",
                String.valueOf(PEER_PORT),
                "peer",
                WireGuardKeys.toBase64(javaPublicKey),
                "endpoint",
                JAVA_UNDERLAY + ":" + javaPort,
                "allowed-ips",
                JAVA_TUNNEL + "/32");
        Netns.run("ip", "-n", peerNs, "addr", "add", PEER_TUNNEL + "/24", "dev", tunnel);
        Netns.run("ip", "-n", peerNs, "link", "set", tunnel, "up");
    }

    private void stopWireGuardGo() {
        if (wireguardGo != null && wireguardGo.isAlive()) {
            // ip netns exec execs wireguard-go, so this is wireguard-go itself; SIGTERM lets it remove its socket
            wireguardGo.destroy();
            try {
                if (!wireguardGo.waitFor(10, TimeUnit.SECONDS)) {
                    wireguardGo.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String inPeer(String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = peerNs;
        System.arraycopy(command, 0, full, 4, command.length);
        return Netns.run(full);
    }

    private long latestHandshake() {
        String line = inPeer("wg", "show", tunnel, "latest-handshakes").strip();
        return line.isEmpty() ? 0 : Long.parseLong(line.split("\\s+")[1]);
    }

    private void javaPings(int sequence) {
        int before = responder.echoRepliesReceived;
        ByteBuf request = IpResponder.echoRequest(
                Ipv4Address.parseBits(JAVA_TUNNEL), Ipv4Address.parseBits(PEER_TUNNEL), sequence);
        endpoint.send(request);
        request.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> responder.echoRepliesReceived > before);
    }

    @Test
    void pingAndHttpCrossTheTunnelBothWaysAndARestartedPeerComesBack() throws Exception {
        openJavaEndpoint();
        startWireGuardGo(WireGuardKeys.publicKey(javaKey));

        // our initiation, wireguard-go's response: the Java side pings the on-premises kernel
        javaPings(1);
        assertThat(latestHandshake()).isPositive();

        // the other way: the kernel behind wireguard-go pings and fetches over TCP
        String ping = inPeer("ping", "-c", "3", "-i", "0.2", "-W", "2", JAVA_TUNNEL);
        assertThat(ping).contains("3 received");
        String body = inPeer("curl", "-sS", "--max-time", "5", "http://" + JAVA_TUNNEL + "/");
        assertThat(body).isEqualTo(IpResponder.BODY);
        assertThat(responder.httpResponsesServed).isEqualTo(1);
        assertThat(peer.lastHandshakeEpochNanos()).isPositive();
        assertThat(peer.rxPackets()).isGreaterThanOrEqualTo(5);
        System.out.println("wg show " + tunnel + " latest-handshakes: "
                + inPeer("wg", "show", tunnel, "latest-handshakes").strip());

        // kill the on-premises peer and start it again: it handshakes anew and we accept it
        stopWireGuardGo();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !Netns.run("ip", "-n", peerNs, "link", "show").contains(tunnel));
        startWireGuardGo(WireGuardKeys.publicKey(javaKey));
        assertThat(latestHandshake()).isZero();

        assertThat(inPeer("ping", "-c", "3", "-i", "0.2", "-W", "2", JAVA_TUNNEL))
                .contains("received");
        assertThat(latestHandshake()).isPositive();
        javaPings(2);
        assertThat(inPeer("curl", "-sS", "--max-time", "5", "http://" + JAVA_TUNNEL + "/"))
                .isEqualTo(IpResponder.BODY);
        assertThat(endpoint.drops(DropReason.NOT_ALLOWED_IP)).isZero();
        assertThat(endpoint.drops(DropReason.BAD_MAC)).isZero();
    }

    @Test
    void aWrongKeyNeverHandsOverAPacket() throws Exception {
        openJavaEndpoint();
        // wireguard-go believes our public key is another one: its mac1 cannot verify here
        startWireGuardGo(WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey()));

        assertThatThrownBy(() -> inPeer("ping", "-c", "2", "-i", "0.2", "-W", "1", JAVA_TUNNEL))
                .hasMessageContaining("100% packet loss");

        await().atMost(Duration.ofSeconds(5)).until(() -> endpoint.drops(DropReason.BAD_MAC) > 0);
        assertThat(peer.rxPackets()).isZero();
        assertThat(peer.lastHandshakeEpochNanos()).isZero();
        assertThat(latestHandshake()).isZero();
    }
}
