package io.vpclab.dataplane.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our responder against an initiation that wireguard-go produced (recorded once with keys
 * chosen for the test, kept in {@code wireguard/wireguard-go-initiation.properties}).
 */
class RecordedWireGuardGoInitiationTest {

    private static final InetSocketAddress INITIATOR = new InetSocketAddress("127.0.0.1", 40001);
    private static Properties recorded;

    @BeforeAll
    static void load() throws IOException {
        recorded = new Properties();
        try (InputStream in = RecordedWireGuardGoInitiationTest.class.getResourceAsStream(
                "/wireguard/wireguard-go-initiation.properties")) {
            recorded.load(in);
        }
    }

    private static byte[] key(String name) {
        return WireGuardKeys.fromBase64(recorded.getProperty(name));
    }

    private static byte[] initiation() {
        return HexFormat.of().parseHex(recorded.getProperty("initiation"));
    }

    @Test
    void theResponderDecryptsTheInitiatorsStaticKeyAndTimestamp() {
        Noise.Identity responder = Noise.Identity.of(key("responder-private"));
        byte[] message = initiation();

        assertThat(new CookieChecker(responder.publicKey(), new java.security.SecureRandom()).checkMac1(message))
                .isTrue();
        Noise.Initiation opened = Noise.openInitiation(responder, message);

        assertThat(opened).isNotNull();
        assertThat(WireGuardKeys.toBase64(opened.initiatorStatic()))
                .isEqualTo(recorded.getProperty("initiator-public"));
        Handshake handshake = new Handshake(key("responder-private"), opened.initiatorStatic(), key("preshared-key"));
        byte[] timestamp = Noise.openTimestamp(handshake, opened, message, new byte[2][]);
        assertThat(timestamp).hasSize(Tai64n.LENGTH);
        assertThat(timestamp[0]).as("TAI64 label 2^62 + seconds").isEqualTo((byte) 0x40);
    }

    @Test
    void theDeviceAnswersTheRecordedInitiationWithAResponse() {
        List<byte[]> sent = new ArrayList<>();
        WireGuardDevice device = new WireGuardDevice(
                key("responder-private"),
                new FakeClock(),
                (datagram, to) -> sent.add(ByteBufUtil.getBytes(datagram)),
                (peer, packet) -> {});
        WireGuardPeer peer = device.addPeer(new WireGuardPeerConfig(
                key("initiator-public"), key("preshared-key"), null, List.of(Ipv4Prefix.parse("10.99.0.1/32")), 0));

        ByteBuf message = Unpooled.wrappedBuffer(initiation());
        device.receive(message, INITIATOR);

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).hasSize(WireGuardMessages.RESPONSE_LENGTH);
        assertThat(sent.get(0)[0]).isEqualTo((byte) WireGuardMessages.RESPONSE);
        assertThat(Noise.getIntLE(sent.get(0), WireGuardMessages.RESPONSE_RECEIVER))
                .as("answers wireguard-go's sender index")
                .isEqualTo(Noise.getIntLE(initiation(), WireGuardMessages.SENDER_OFFSET));
        assertThat(peer.endpoint()).isEqualTo(INITIATOR);

        // the same initiation again is a replay (its timestamp is not newer)
        device.receive(Unpooled.wrappedBuffer(initiation()), INITIATOR);
        assertThat(sent).hasSize(1);
        assertThat(device.drops(DropReason.REPLAYED)).isEqualTo(1);
    }

    @Test
    void aResponderWithAnotherKeyRefusesTheRecordedInitiation() {
        WireGuardDevice device = new WireGuardDevice(
                WireGuardKeys.generatePrivateKey(), new FakeClock(), (datagram, to) -> {}, (peer, packet) -> {});
        device.addPeer(new WireGuardPeerConfig(
                key("initiator-public"), null, null, List.of(Ipv4Prefix.parse("10.99.0.1/32")), 0));

        device.receive(Unpooled.wrappedBuffer(initiation()), INITIATOR);

        assertThat(device.drops(DropReason.BAD_MAC)).isEqualTo(1);
    }
}
