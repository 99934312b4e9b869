package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.test.context.TestPropertySource;

/**
 * The screens fed by the agents' own counters, and the lessons' one-click setups, against the
 * demo in headless Chromium. Its own server (the setups add instances that UiDemoTest counts).
 */
@TestPropertySource(properties = "vpclab.ui-test=counters")
class UiCountersTest extends UiDemoSupport {

    @Test
    void theFiguresViewShowsHostCountersThatMoveAfterAPing() throws Exception {
        browser.screen("diagnostics");
        browser.choose("diag-source", "acme-web-1 ");
        browser.choose("diag-target", "acme-db-1 ");
        browser.until(DEMO_BUILT, d -> "answered".equals(ping()));

        browser.screen("figures");
        long before = browser.until(Duration.ofSeconds(20), d -> underlayPacketsOut());
        browser.screen("diagnostics");
        assertThat(ping()).isEqualTo("answered");
        browser.screen("figures");
        // three echo requests and three replies crossed the underlay between two hosts
        long after = browser.until(Duration.ofSeconds(20), d -> {
            Long now = underlayPacketsOut();
            return now != null && now >= before + 6 ? now : null;
        });
        // the charts draw the rates between reports: a few seconds of history make visible lines
        browser.until(
                Duration.ofSeconds(20),
                d -> (Long)
                                browser.script(
                                        "return Math.min(...[...document.querySelectorAll('#fig-hosts svg.chart polyline')].map(p => p.points.length))")
                        >= 5);
        browser.screenshot("ui-figures-after-ping");

        assertThat(after).isGreaterThanOrEqualTo(before + 6);
        assertThat(count("#fig-hosts article[data-name]")).isEqualTo(3);
        assertThat(browser.text("fig-hosts"))
                .contains("demo-host-1", "packets out", "ARP answered locally", "packets/s on the underlay");
        assertThat(browser.text("fig-nat")).containsAnyOf("No NAT gateways.", "No data yet.", "active sessions");
        assertThat(browser.text("fig-status")).startsWith("Updated");

        // a whitelist made through the API shows up with its rule's hit count
        String acme = null;
        for (var tenant : api("GET", "/api/v1/tenants?maxResults=1000", null).path("items")) {
            if (tenant.path("name").asString().equals("acme")) {
                acme = tenant.path("tenantId").asString();
            }
        }
        api(
                "POST",
                "/api/v1/whitelists",
                "{\"name\":\"figures-wl\",\"tenantId\":\"" + acme
                        + "\",\"rules\":[{\"protocol\":\"tcp\",\"cidrBlock\":\"198.51.100.0/24\",\"fromPort\":443,\"toPort\":443}]}");
        browser.until(
                Duration.ofSeconds(20),
                d -> !d.findElements(By.id("fig-whitelist-table")).isEmpty()
                        && browser.text("fig-whitelist-table").contains("figures-wl tcp 198.51.100.0/24 443-443 0"));
        browser.script("document.getElementById('fig-whitelists').scrollIntoView()");
        browser.screenshot("ui-figures-whitelist-hits");
    }

    @Test
    void theFiguresShowEachInstancesConnectionsFromTheHostsConnectionTracking() throws Exception {
        browser.screen("diagnostics");
        browser.choose("diag-source", "acme-web-1 ");
        browser.choose("diag-target", "acme-db-1 ");
        browser.until(DEMO_BUILT, d -> "answered".equals(ping()));

        browser.screen("figures");
        // the echo flow is tracked by the instances' security groups: active for 10 s after its last packet;
        // the screen redraws every second, so each look finds the row again
        String newPerSecond = browser.until(
                Duration.ofSeconds(30),
                d -> d.findElements(By.cssSelector("table[id^='fig-connections-'] tr[data-kind='instance']")).stream()
                        .filter(r -> r.getText().startsWith("instance acme-web-1 "))
                        .filter(r -> Long.parseLong(r.findElement(By.cssSelector("td[data-figure='active']"))
                                        .getText()
                                        .replace(",", ""))
                                >= 1)
                        .map(r -> r.findElement(By.cssSelector("td[data-figure='new']"))
                                .getText())
                        .findFirst()
                        .orElse(null));
        browser.script("[...document.querySelectorAll(\"tr[data-kind='instance']\")]"
                + ".find(r => r.textContent.includes('acme-web-1'))?.scrollIntoView()");
        browser.screenshot("ui-figures-connections");

        assertThat(newPerSecond)
                .as("new connections per second, from two reports")
                .matches("\\d+\\.\\d|—");
        assertThat(browser.text("fig-hosts")).contains("connections of", "active", "inactive", "new/s", "dropped/s");
    }

    /**
     * An elastic IP's row on the Figures screen counts real packets: acme-web-1 gets an elastic IP
     * open to the internet, and the demo's internet host "web" pings it; its host counts the
     * requests in and the replies out where the NAT happens.
     */
    @Test
    void theFiguresShowAnElasticIpsPacketsInAndOut() throws Exception {
        browser.screen("topology");
        browser.until(DEMO_BUILT, d -> count("node.instance") >= 6 && count("edge.tunnel") == 3);
        var web1 = api("GET", "/api/v1/instances?maxResults=1000", null)
                .path("items")
                .valueStream()
                .filter(i -> i.path("name").asString().equals("acme-web-1"))
                .findFirst()
                .orElseThrow();
        var eip = api(
                "POST",
                "/api/v1/eips",
                "{\"tenantId\":\"" + web1.path("tenantId").asString() + "\",\"ingressPolicy\":\"ALLOW_ALL\"}");
        String allocation = eip.path("allocationId").asString();
        String publicIp = eip.path("publicIp").asString();
        api(
                "PUT",
                "/api/v1/eips/" + allocation + "/association",
                "{\"instanceId\":\"" + web1.path("instanceId").asString() + "\"}");
        try {
            browser.until(DEMO_BUILT, d -> {
                try {
                    return api(
                                            "POST",
                                            "/api/v1/internet-hosts/web/ping",
                                            "{\"target\":\"" + publicIp + "\",\"count\":2}")
                                    .path("received")
                                    .asInt()
                            == 2;
                } catch (Exception | AssertionError notYet) { // 409 until the agents applied the elastic IP
                    return false;
                }
            });
            browser.screen("figures");
            String row = "table[id^='fig-connections-'] tr[data-kind='elasticIp'][data-id='" + publicIp + "']";
            browser.until(
                    Duration.ofSeconds(30),
                    d -> d.findElements(By.cssSelector(row)).stream()
                            .anyMatch(r -> figure(r, "packetsIn") >= 2 && figure(r, "packetsOut") >= 2));
            // the row in view, and its table scrolled to the packets and bytes columns
            browser.script("const cell = document.querySelector(\"" + row + " td[data-figure='packetsIn']\");"
                    + "cell.scrollIntoView({block: 'center'});"
                    + "let box = cell.parentElement;"
                    + "while (box && box.scrollWidth <= box.clientWidth) box = box.parentElement;"
                    + "if (box) box.scrollLeft = box.scrollWidth;");
            browser.screenshot("ui-figures-elastic-ip");
            // the table redraws on every stats report: the row's text and figure are read in one look;
            // the row names the allocation once the page's snapshot (polled every second) holds the address
            List<Object> counted = browser.until(Duration.ofSeconds(30), d -> {
                WebElement current = d.findElement(By.cssSelector(row));
                String text = current.getText();
                return text.contains(allocation) ? List.of(text, figure(current, "bytesIn")) : null;
            });
            assertThat((String) counted.get(0)).startsWith("elastic IP " + publicIp + " (" + allocation + ")");
            assertThat((Long) counted.get(1))
                    .as("two echo requests of 98 bytes")
                    .isGreaterThanOrEqualTo(2 * 98);
        } finally {
            api("DELETE", "/api/v1/eips/" + allocation + "/association", null);
            api("DELETE", "/api/v1/eips/" + allocation, null);
        }
    }

    private static long figure(WebElement row, String name) {
        String text = row.findElement(By.cssSelector("td[data-figure='" + name + "']"))
                .getText()
                .replace(",", "");
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }

    @Test
    void theMacTableAndAnatomyLessonsOneClickSetupsAddTheirSamples() throws Exception {
        browser.screen("topology");
        browser.until(DEMO_BUILT, d -> count("node.instance") >= 6 && count("edge.tunnel") == 3);
        browser.screen("lessons");
        long instancesBefore = macEntriesWithVlans();

        browser.click("macs-setup");
        browser.until(
                Duration.ofSeconds(60), d -> browser.text("macs-setup-status").startsWith("Created tenant"));
        browser.until(Duration.ofSeconds(10), d -> macEntriesWithVlans() == instancesBefore + 6);
        browser.script("document.getElementById('lesson-macs').scrollIntoView()");
        browser.screenshot("ui-lesson-macs-setup");
        assertThat(browser.text("macs-vxlan"))
                .as("one entry per VTEP, however many instances")
                .isEqualTo("3");

        browser.click("anatomy-setup");
        browser.until(
                Duration.ofSeconds(60),
                d -> browser.text("anatomy-setup-status").startsWith("Created tenant"));
        browser.click("anatomy-render");
        browser.script("document.getElementById('lesson-anatomy').scrollIntoView()");
        browser.screenshot("ui-lesson-anatomy-setup");
        assertThat(browser.text("anatomy")).contains("overhead 4", "overhead 50", "VNI ");
    }

    @Test
    void theAnatomyLessonLabelsAVxlanDatagramCapturedOnTheWire() throws Exception {
        browser.screen("topology");
        browser.until(DEMO_BUILT, d -> count("node.instance") >= 6 && count("edge.tunnel") == 3);
        browser.screen("lessons");
        // the demo converges in the background: capture again until a ping crossed hosts inside the capture
        browser.until(DEMO_BUILT, d -> {
            browser.script("document.getElementById('anatomy-wire').dataset.done = 'false'");
            browser.click("anatomy-capture");
            browser.until(Duration.ofSeconds(60), x -> "true".equals(browser.attribute("anatomy-wire", "data-done")));
            return !d.findElements(By.id("anatomy-captured")).isEmpty();
        });
        browser.script("document.getElementById('anatomy-capture').scrollIntoView()");
        browser.screenshot("ui-lesson-anatomy-captured");

        assertThat(browser.attribute("anatomy-captured", "data-overhead"))
                .as("outer Ethernet, IPv4, UDP and VXLAN")
                .isEqualTo("50");
        String vni = browser.attribute("anatomy-captured", "data-vni");
        assertThat(segmentIds()).as("the VNI on the wire is a subnet's segment").contains(vni);
        assertThat(browser.text("anatomy-wire"))
                .contains(
                        "VNI " + vni + " (24 bit) (3)",
                        "VXLAN flags (I) (4)\n08 00 00 00",
                        "ICMP echo request (8)\n08 00");
    }

    /** Every subnet's segment id, from the API. */
    private List<String> segmentIds() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        api("GET", "/api/v1/subnets?maxResults=1000", null)
                .path("items")
                .forEach(s -> ids.add(s.path("segmentId").asString()));
        return ids;
    }

    /** An admin call straight to the API (setup the page itself does not offer), answering the JSON body. */
    private tools.jackson.databind.JsonNode api(String method, String path, String body) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
                                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                                .header("Content-Type", "application/json")
                                .method(
                                        method,
                                        body == null
                                                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                                : java.net.http.HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return response.body().isBlank()
                ? tools.jackson.databind.node.MissingNode.getInstance() // 204 No Content
                : new tools.jackson.databind.ObjectMapper().readTree(response.body());
    }

    /**
     * The NAT gateway card against the figures and sessions API as the NAT work defines it
     * (NatGatewayFigures, NatGatewaySessions). This branch's server has no NAT figures yet, so the
     * page's fetch answers those three paths with that shape; everything else stays real.
     */
    @Test
    void aNatGatewayCardShowsItsFiguresAndSessionsInTheApisShape() throws Exception {
        browser.screen("figures");
        browser.script("""
                window.realFetch = window.realFetch || window.fetch;
                const json = body => Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } }));
                const id = 'nat-0123456789abcdef0';
                window.fetch = (url, init) => {
                  const u = String(url);
                  if (u.startsWith('/api/v1/nat-gateways?')) return json({ items: [{ natGatewayId: id, name: 'lab-nat', publicIp: '203.0.113.10', subnetId: 'subnet-none', state: 'available' }] });
                  if (u === `/api/v1/nat-gateways/${id}/figures`) return json({ natGatewayId: id, reportedAt: new Date().toISOString(), activeSessions: 2,
                    sessionsCreated: 5, newConnectionsPerSecond: 1.5, packetsOut: 40, packetsIn: 38, bytesOut: 4000, bytesIn: 3800,
                    packetsOutPerSecond: 4, packetsInPerSecond: 3.8, bytesOutPerSecond: 400, bytesInPerSecond: 380, portAllocationErrors: 0,
                    dropsByReason: { NAT_NO_SESSION: 1 } });
                  if (u === `/api/v1/nat-gateways/${id}/sessions`) return json({ natGatewayId: id, items: [{ protocol: 'ICMP', privateIp: '10.0.1.10',
                    privatePort: 7, publicIp: '203.0.113.10', publicPort: 1024, remoteIp: '198.51.100.7', remotePort: 0, state: 'ESTABLISHED',
                    idleSeconds: 1, timeoutSeconds: 60, packetsOut: 3, packetsIn: 3 }] });
                  return window.realFetch(url, init);
                };
                """);
        try {
            browser.until(
                    Duration.ofSeconds(20),
                    d -> !d.findElements(By.id("fig-nat-nat-0123456789abcdef0")).isEmpty()
                            && browser.text("fig-nat-nat-0123456789abcdef0").contains("ESTABLISHED"));
            browser.script("document.getElementById('fig-nat').scrollIntoView()");
            browser.screenshot("ui-figures-nat-gateway");
            String card = browser.text("fig-nat-nat-0123456789abcdef0");
            assertThat(card)
                    .contains(
                            "lab-nat 203.0.113.10",
                            "active sessions\n2",
                            "new connections/s\n1.5",
                            "packets out\n40",
                            "NAT_NO_SESSION 1",
                            "ICMP 10.0.1.10:7 203.0.113.10:1024 198.51.100.7:0 ESTABLISHED 1 3 3");
        } finally {
            browser.script("if (window.realFetch) window.fetch = window.realFetch");
        }
    }

    /** Counts again and reads the VLAN-core MAC entries (one per instance). */
    private long macEntriesWithVlans() {
        browser.click("macs-count");
        browser.until(
                Duration.ofSeconds(10), d -> !d.findElements(By.id("macs-vlan")).isEmpty());
        return Long.parseLong(browser.text("macs-vlan"));
    }

    /** The sum of the hosts' underlay packets out as the figures show them, or null before every host reported. */
    private Long underlayPacketsOut() {
        List<WebElement> cells = browser.driver.findElements(
                By.cssSelector("#fig-hosts article[data-name] dd[data-counter=packetsOut]"));
        if (cells.size() < 3) {
            return null;
        }
        return cells.stream()
                .mapToLong(c -> Long.parseLong(c.getText().replace(",", "")))
                .sum();
    }
}
