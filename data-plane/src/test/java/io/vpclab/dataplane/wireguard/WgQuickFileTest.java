package io.vpclab.dataplane.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The wg-quick reader on files shaped as the control plane writes them (the round trip through
 * the real writer is in the control plane's VpnRulesTest), and on malformed ones.
 */
class WgQuickFileTest {

    private static final String GATEWAY_KEY =
            WireGuardKeys.toBase64(WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey()));
    private static final String PRESHARED_KEY = WireGuardKeys.toBase64(WireGuardKeys.generatePrivateKey());

    /** The layout WgQuickConfiguration writes, comments included. */
    private static String file(String peerExtra) {
        return "# VPC Lab VPN connection vpn-1: on-premises side (customer gateway cgw-1, 192.0.2.7)\n"
                + "[Interface]\n"
                + "# PrivateKey = <the private key of x, which only you hold>\n"
                + "Address = 192.168.50.1/32\n"
                + "ListenPort = 51820\n"
                + "\n[Peer]\n"
                + "# VPN gateway vgw-1\n"
                + "PublicKey = " + GATEWAY_KEY + "\n"
                + peerExtra
                + "Endpoint = 127.0.0.1:51821\n"
                + "AllowedIPs = 10.0.0.0/16, 10.1.0.0/16\n"
                + "PersistentKeepalive = 25\n";
    }

    @Test
    void readsSectionsValuesAndCommentsAndThePeerAsWgSetTakesIt() {
        WgQuickFile file = WgQuickFile.parse(file("PresharedKey = " + PRESHARED_KEY + "\n"));

        assertThat(file.sections()).containsExactly("Interface", "Peer");
        assertThat(file.values("Interface"))
                .containsExactly(Map.entry("Address", "192.168.50.1/32"), Map.entry("ListenPort", "51820"));
        assertThat(file.commentsOf("Interface")).singleElement().asString().startsWith("PrivateKey = ");
        assertThat(file.values("Peer").get("PublicKey"))
                .as("a key's '=' padding is kept")
                .isEqualTo(GATEWAY_KEY);

        WireGuardPeerConfig peer = file.peer();
        assertThat(peer.publicKey()).isEqualTo(WireGuardKeys.fromBase64(GATEWAY_KEY));
        assertThat(peer.presharedKey()).isEqualTo(WireGuardKeys.fromBase64(PRESHARED_KEY));
        assertThat(peer.endpoint()).isEqualTo(new InetSocketAddress("127.0.0.1", 51821));
        assertThat(peer.allowedIps()).containsExactly(Ipv4Prefix.parse("10.0.0.0/16"), Ipv4Prefix.parse("10.1.0.0/16"));
        assertThat(peer.persistentKeepaliveSeconds()).isEqualTo(25);
    }

    @Test
    void aPeerWithoutPresharedKeyEndpointOrKeepaliveHasNone() {
        String bare = "[Peer]\nPublicKey = " + GATEWAY_KEY + "\nAllowedIPs = 10.0.0.0/16\n";

        WireGuardPeerConfig peer = WgQuickFile.parse(bare).peer();

        assertThat(peer.presharedKey()).isNull();
        assertThat(peer.endpoint()).isNull();
        assertThat(peer.persistentKeepaliveSeconds())
                .as("wg-quick's default: off")
                .isZero();
        assertThat(WgQuickFile.parse(bare).values("Interface")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "[Interface]\\n[Tunnel]                   | line 2 '[Tunnel]' is not a section",
                "[Peer]\\n[Peer]                          | line 2 '[Peer]' repeats a section",
                "Address = 10.0.0.1/32\\n[Interface]      | line 1 'Address = 10.0.0.1/32' stands before any",
                "[Interface]\\nListenPort 51820           | line 2 'ListenPort 51820' is not Key = Value",
                "[Interface]\\n= 51820                    | line 2 '= 51820' is not Key = Value",
                "[Peer]\\nEndpoint = a:1\\nEndpoint = b:2 | line 3 'Endpoint = b:2' gives Endpoint a second time",
            })
    void malformedTextIsRefusedNamingTheLine(String text, String message) {
        assertThatThrownBy(() -> WgQuickFile.parse(text.replace("\\n", "\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aPeerMissingWhatWgSetNeedsIsRefusedSayingWhat() {
        assertThatThrownBy(() ->
                        WgQuickFile.parse("[Interface]\nListenPort = 51820\n").peer())
                .hasMessage("the wg-quick file has no [Peer] section");
        assertThatThrownBy(() ->
                        WgQuickFile.parse("[Peer]\nAllowedIPs = 10.0.0.0/16\n").peer())
                .hasMessage("the wg-quick file's [Peer] is malformed: it has no PublicKey");
        assertThatThrownBy(() -> WgQuickFile.parse(file("").replace("AllowedIPs", "Allowed"))
                        .peer())
                .hasMessage("the wg-quick file's [Peer] is malformed: it has no AllowedIPs");
        assertThatThrownBy(() -> WgQuickFile.parse(file("").replace("127.0.0.1:51821", "127.0.0.1"))
                        .peer())
                .hasMessageContaining("Endpoint '127.0.0.1' is not host:port");
        assertThatThrownBy(() ->
                        WgQuickFile.parse(file("").replace(":51821", ":70000")).peer())
                .hasMessageContaining("has a port outside 1..65535");
        assertThatThrownBy(
                        () -> WgQuickFile.parse(file("PresharedKey = short\n")).peer())
                .hasMessageContaining("a WireGuard key is 44 base64 characters");
        assertThatThrownBy(() -> WgQuickFile.parse(file("").replace("10.1.0.0/16", "10.1.0.0/33"))
                        .peer())
                .hasMessageStartingWith("the wg-quick file's [Peer] is malformed: ");
    }
}
