package io.vpclab.dataplane.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.net.WireGuardKeys;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The primitives against their RFCs' published test vectors, and the key format against wg(8). */
class CryptoVectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void x25519MatchesRfc7748Section5_2() {
        byte[] scalar = HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] u = HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");

        assertThat(HEX.formatHex(WireGuardKeys.x25519(scalar, u)))
                .isEqualTo("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    }

    @Test
    void x25519DiffieHellmanMatchesRfc7748Section6_1() {
        byte[] alicePrivate = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPrivate = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");

        byte[] alicePublic = WireGuardKeys.publicKey(alicePrivate);
        byte[] bobPublic = WireGuardKeys.publicKey(bobPrivate);

        assertThat(HEX.formatHex(alicePublic))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(HEX.formatHex(bobPublic))
                .isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertThat(HEX.formatHex(WireGuardKeys.x25519(alicePrivate, bobPublic))).isEqualTo(shared);
        assertThat(HEX.formatHex(WireGuardKeys.x25519(bobPrivate, alicePublic))).isEqualTo(shared);
    }

    @Test
    void x25519RefusesALowOrderPoint() {
        byte[] zeroPoint = new byte[32];

        assertThatThrownBy(() -> WireGuardKeys.x25519(WireGuardKeys.generatePrivateKey(), zeroPoint))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chaCha20Poly1305MatchesRfc8439Section2_8_2() {
        byte[] key = HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        byte[] nonce = HEX.parseHex("070000004041424344454647");
        byte[] aad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
        byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the"
                        + " future, sunscreen would be it.")
                .getBytes(StandardCharsets.US_ASCII);

        byte[] sealed = ChaChaPoly.sealWithNonce(key, nonce, plaintext, aad);

        assertThat(HEX.formatHex(sealed))
                .isEqualTo("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca96712"
                        + "82fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58"
                        + "fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
                        + "1ae10b594f09e26a7e902ecbd0600691");
    }

    @Test
    void chaCha20Poly1305RefusesATamperedTagAndOpensTheGenuineOne() {
        byte[] key = WireGuardKeys.generatePrivateKey();
        byte[] sealed = ChaChaPoly.seal(key, 7, "hello".getBytes(StandardCharsets.US_ASCII), new byte[] {1});

        assertThat(ChaChaPoly.open(key, 7, sealed, new byte[] {1})).asString().isEqualTo("hello");
        assertThat(ChaChaPoly.open(key, 8, sealed, new byte[] {1})).isNull();
        sealed[sealed.length - 1] ^= 1;
        assertThat(ChaChaPoly.open(key, 7, sealed, new byte[] {1})).isNull();
    }

    @Test
    void aReusedSessionCipherSealsEachCounterAsAFreshOneAndOpensInPlace() {
        byte[] key = WireGuardKeys.generatePrivateKey();
        ChaChaPoly session = new ChaChaPoly(key);
        byte[] packet = new byte[1400];
        for (int i = 0; i < packet.length; i++) {
            packet[i] = (byte) (i * 7);
        }
        byte[] out = new byte[4 + packet.length + ChaChaPoly.TAG_LENGTH];
        for (long counter : new long[] {0, 1, 2, 0xffffffffL, Long.MIN_VALUE}) {
            int written = session.seal(counter, packet, 0, packet.length, out, 4);

            byte[] sealed = java.util.Arrays.copyOfRange(out, 4, 4 + written);
            assertThat(sealed).isEqualTo(ChaChaPoly.seal(key, counter, packet, new byte[0]));
            assertThat(session.open(counter, out, 4, written, out, 4)).isEqualTo(packet.length);
            assertThat(java.util.Arrays.copyOfRange(out, 4, 4 + packet.length)).isEqualTo(packet);
            assertThat(session.open(counter + 1, sealed, 0, sealed.length, new byte[sealed.length], 0))
                    .isEqualTo(-1);
        }
    }

    @Test
    void blake2sMatchesRfc7693AppendixB() {
        assertThat(HEX.formatHex(Blake2s.hash("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
    }

    @Test
    void noiseConstantsHashAsWireGuardDefinesThem() {
        // the chaining key every WireGuard implementation starts from (HASH of the construction)
        assertThat(HEX.formatHex(Noise.INITIAL_CHAIN_KEY))
                .isEqualTo("60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36");
    }

    @Test
    void keysRoundTripWireGuardsBase64AndRefuseOtherLengths() {
        byte[] key = WireGuardKeys.generatePrivateKey();

        assertThat(WireGuardKeys.fromBase64(WireGuardKeys.toBase64(key))).isEqualTo(key);
        assertThatThrownBy(() -> WireGuardKeys.fromBase64("AAAA")).hasMessageContaining("44 base64");
        assertThatThrownBy(() -> WireGuardKeys.fromBase64("!".repeat(43) + "=")).hasMessageContaining("base64");
    }

    @Test
    void publicKeysMatchWhatWgPubkeyPrintsForTheRecordedKeys() {
        // pairs printed by wg genkey / wg pubkey (wireguard-tools 1.0.20210914)
        assertThat(WireGuardKeys.toBase64(WireGuardKeys.publicKey(
                        WireGuardKeys.fromBase64("ADxSUfLjUTCgnf0u/kt8DjebKWG1VHZoXoF5aeXxD0g="))))
                .isEqualTo("gOBkvR0d9wsApj8DJwoMGnU/86mb22uv+DhLjSMOWzk=");
        assertThat(WireGuardKeys.toBase64(WireGuardKeys.publicKey(
                        WireGuardKeys.fromBase64("SHdHz8TWqYVvUkzo4cZO7XtO6+5TlLQl69ddYJ6mznM="))))
                .isEqualTo("tv/lf70V1Ao5rHFZUgDKs5trwQjjwDsw42aViwCVUE8=");
    }
}
