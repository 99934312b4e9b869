package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiClient;
import io.vpclab.client.api.VpnConnectionsApi;
import io.vpclab.client.api.VpnGatewaysApi;
import io.vpclab.client.model.VpnConnection;
import io.vpclab.client.model.VpnGatewayAttachmentState;
import io.vpclab.controlplane.TestServers;
import io.vpclab.net.WireGuardKeys;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The site-to-site VPN on the Resources screen, in headless Chromium against the demo: a customer
 * gateway, a VPN gateway for acme-vpc and a connection made in the create forms, the connection's
 * tunnel as its gateway's agent reports it, and its wg-quick file downloaded from the page.
 */
class UiVpnTest extends UiDemoSupport {

    private static final Duration SHORT = Duration.ofSeconds(10);
    private static final Duration REPORTED = Duration.ofSeconds(60);

    @Test
    void aConnectionIsMadeInTheFormsShowsItsTunnelAndDownloadsItsConfiguration() throws Exception {
        browser.until(DEMO_BUILT, d -> count("node.instance") >= 6);
        String customerPublicKey = WireGuardKeys.toBase64(WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey()));

        showList("customerGateways");
        browser.choose("create-customerGateways-tenantId", "acme");
        browser.type("create-customerGateways-name", "ui-office");
        browser.type("create-customerGateways-ipAddress", "127.0.0.1");
        browser.type("create-customerGateways-publicKey", "not-a-key");
        browser.click("create-customerGateways-submit");
        String refusal = browser.until(SHORT, d -> shownText("error"));
        assertThat(refusal).as("the API's refusal, with its code").contains("InvalidKey.Format");
        browser.type("create-customerGateways-publicKey", customerPublicKey);
        browser.click("create-customerGateways-submit");
        String customerGatewayId = browser.until(SHORT, d -> rowStartingWith("customerGateways", "ui-office "));
        assertThat(row("customerGateways", customerGatewayId)).contains("127.0.0.1", customerPublicKey);

        showList("vpnGateways");
        browser.choose("create-vpnGateways-vpcId", "acme-vpc");
        browser.type("create-vpnGateways-name", "ui-vgw");
        browser.click("create-vpnGateways-submit");
        String vpnGatewayId = browser.until(SHORT, d -> rowStartingWith("vpnGateways", "ui-vgw "));
        assertThat(row("vpnGateways", vpnGatewayId)).contains("acme-vpc", "available", "51820");

        showList("vpnConnections");
        browser.choose("create-vpnConnections-vpnGatewayId", "ui-vgw");
        browser.choose("create-vpnConnections-customerGatewayId", "ui-office");
        browser.type("create-vpnConnections-onPremisesCidrBlocks", "192.168.50.0/24, 192.168.60.0/24");
        browser.choose("create-vpnConnections-generatePresharedKey", "true");
        browser.click("create-vpnConnections-submit");
        String connectionId = browser.until(SHORT, d -> rowStartingWith("vpnConnections", "vpn-"));
        assertThat(row("vpnConnections", connectionId))
                .contains("ui-vgw", "ui-office", "192.168.50.0/24, 192.168.60.0/24", "true");
        VpnConnection stored = new VpnConnectionsApi(admin()).getVpnConnection(connectionId);
        assertThat(stored.getOnPremisesCidrBlocks()).containsExactly("192.168.50.0/24", "192.168.60.0/24");
        assertThat(stored.getPresharedKeySet()).isTrue();

        // no site answers: the gateway's agent reports the tunnel down, with no handshake
        browser.until(REPORTED, d -> {
            showList("vpnGateways");
            showList("vpnConnections");
            return row("vpnConnections", connectionId).contains("down, no handshake") ? true : null;
        });
        assertThat(row("vpnConnections", connectionId)).contains("in 0 packets / 0 B");
        browser.screenshot("ui-vpn-connections");

        browser.click("download-configuration-" + connectionId);
        String linkId = "vpn-configuration-" + connectionId;
        browser.until(SHORT, d -> d.findElements(By.id(linkId)).isEmpty() ? null : true);
        assertThat(browser.attribute(linkId, "download")).isEqualTo(connectionId + ".conf");
        String file = (String) ((JavascriptExecutor) browser.driver)
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "fetch(document.getElementById(arguments[0]).href).then(r => r.text()).then(done);",
                        linkId);
        assertThat(file)
                .contains("[Interface]", "Address = 192.168.50.1/32", "ListenPort = 51820", "[Peer]")
                .contains("AllowedIPs = 10.0.0.0/16", "PresharedKey = ")
                .isEqualTo(new VpnConnectionsApi(admin()).getVpnConnectionConfiguration(connectionId));

        // the gateway's row detaches and attaches it; the connection's row adds a static route
        VpnGatewaysApi gateways = new VpnGatewaysApi(admin());
        showList("vpnGateways");
        browser.click("detach-" + vpnGatewayId);
        browser.until(SHORT, d -> row("vpnGateways", vpnGatewayId).contains("detached") ? true : null);
        assertThat(gateways.getVpnGateway(vpnGatewayId).getAttachmentState())
                .isEqualTo(VpnGatewayAttachmentState.DETACHED);
        browser.click("attach-" + vpnGatewayId);
        browser.until(SHORT, d -> d.findElement(By.id("vgw-attach")).isDisplayed());
        browser.choose("vgw-attach-vpcId", "acme-vpc");
        browser.click("vgw-attach-submit");
        browser.until(SHORT, d -> attachmentState(vpnGatewayId) == VpnGatewayAttachmentState.ATTACHED ? true : null);
        showList("vpnConnections");
        browser.click("add-route-" + connectionId);
        browser.until(SHORT, d -> d.findElement(By.id("vpn-route")).isDisplayed());
        browser.type("vpn-route-destinationCidrBlock", "192.168.70.0/24");
        browser.click("vpn-route-submit");
        browser.until(SHORT, d -> row("vpnConnections", connectionId).contains("192.168.70.0/24") ? true : null);
        assertThat(new VpnConnectionsApi(admin()).getVpnConnection(connectionId).getOnPremisesCidrBlocks())
                .containsExactly("192.168.50.0/24", "192.168.60.0/24", "192.168.70.0/24");
    }

    private VpnGatewayAttachmentState attachmentState(String vpnGatewayId) {
        try {
            return new VpnGatewaysApi(admin()).getVpnGateway(vpnGatewayId).getAttachmentState();
        } catch (io.vpclab.client.ApiException e) {
            throw new IllegalStateException(e);
        }
    }

    private ApiClient admin() {
        return TestServers.client("http://localhost:" + port, ADMIN_TOKEN);
    }

    private void showList(String kind) {
        browser.screen("resources");
        browser.click("tab-" + kind);
        browser.until(SHORT, d -> kind.equals(browser.attribute("resource-panel", "data-kind")));
    }

    private String shownText(String id) {
        var element = browser.driver.findElement(By.id(id));
        return element.isDisplayed() && !element.getText().isBlank() ? element.getText() : null;
    }

    /** The ID of the first row of {@code kind} whose text starts with {@code prefix}, or null. */
    private String rowStartingWith(String kind, String prefix) {
        List<String> ids = browser.driver.findElements(By.cssSelector("#list-" + kind + " tbody tr[data-id]")).stream()
                .map(r -> r.getDomAttribute("data-id"))
                .toList();
        return ids.stream()
                .filter(id -> row(kind, id).startsWith(prefix))
                .findFirst()
                .orElse(null);
    }

    private String row(String kind, String id) {
        return browser.driver
                .findElement(By.cssSelector("#list-" + kind + " tr[data-id='" + id + "']"))
                .getText();
    }
}
