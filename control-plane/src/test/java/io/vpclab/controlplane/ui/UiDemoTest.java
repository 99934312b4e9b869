package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The UI against the all-in-one demo (three in-process agents, tenants acme and globex), in headless Chromium. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiDemoTest {

    static final String ADMIN_TOKEN = "ui-test-admin-" + UUID.randomUUID();
    static final Duration DEMO_BUILT = Duration.ofSeconds(120);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.admin-token", () -> ADMIN_TOKEN);
        registry.add("vpclab.demo.enabled", () -> "true");
        registry.add("vpclab.demo.base-port", () -> FreeUdpPorts.consecutive(3));
        registry.add("vpclab.data-dir", () -> Path.of("target", "test-data", "ui-demo-" + UUID.randomUUID()).toAbsolutePath().toString());
    }

    @LocalServerPort
    int port;

    Browser browser;

    @BeforeAll
    void openBrowser() throws Exception {
        browser = Browser.open();
        browser.signIn(port, ADMIN_TOKEN);
    }

    @AfterAll
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theGraphShowsTheDemosNodesAndTunnels() throws Exception {
        browser.screen("topology");
        List<String> demoNames = List.of("acme", "globex", "acme-web-1", "acme-web-2", "acme-db-1",
                "globex-web-1", "globex-web-2", "globex-db-1");
        browser.until(DEMO_BUILT, d -> labels().containsAll(demoNames) && count("node.host") == 3 && count("edge.tunnel") == 3);
        browser.screenshot("ui-topology-demo");

        assertThat(count("node.tenant")).isGreaterThanOrEqualTo(2);
        assertThat(count("node.instance")).isEqualTo(6);
        assertThat(browser.text("topology-summary")).contains("6 instances", "3 hosts", "3 tunnels");
    }

    @Test
    void aVpcCreatedInTheUiAppearsInTheGraph() throws Exception {
        browser.screen("resources");
        browser.click("tab-vpcs");
        browser.until(Duration.ofSeconds(10), d -> "vpcs".equals(d.findElement(By.id("resource-panel")).getDomAttribute("data-kind")));
        browser.choose("create-vpcs-tenantId", "acme");
        browser.type("create-vpcs-name", "made-in-the-ui");
        browser.type("create-vpcs-cidrBlock", "10.77.0.0/16");
        browser.click("create-vpcs-submit");
        browser.until(Duration.ofSeconds(10), d -> !d.findElements(By.xpath("//table[@id='list-vpcs']//td[text()='made-in-the-ui']")).isEmpty());
        browser.screenshot("ui-vpc-created-list");

        browser.screen("topology");
        browser.until(Duration.ofSeconds(5), d -> labels().contains("made-in-the-ui"));
        browser.screenshot("ui-vpc-created-graph");
        assertThat(browser.script("return cy.nodes('.vpc').map(n => n.data('label')).join('|')").toString())
                .contains("made-in-the-ui\n10.77.0.0/16");
    }

    @Test
    void aRefusedRequestShowsTheProblemInWords() throws Exception {
        browser.screen("resources");
        browser.click("tab-vpcs");
        browser.until(Duration.ofSeconds(10), d -> "vpcs".equals(d.findElement(By.id("resource-panel")).getDomAttribute("data-kind")));
        browser.choose("create-vpcs-tenantId", "globex");
        browser.type("create-vpcs-name", "too-big");
        browser.type("create-vpcs-cidrBlock", "10.0.0.0/8");
        browser.click("create-vpcs-submit");
        browser.until(Duration.ofSeconds(10), d -> d.findElement(By.id("error")).isDisplayed());
        browser.screenshot("ui-refused-request");

        assertThat(browser.text("error")).isEqualTo("Refused: VPC block 10.0.0.0/8 must be /16 to /28 (code InvalidVpc.Range, HTTP 400)");
        assertThat(browser.attribute("error", "data-code")).isEqualTo("InvalidVpc.Range");
    }

    @Test
    void aPingWithinATenantAnswersAndAPingAcrossTenantsShowsTheDrop() throws Exception {
        browser.screen("diagnostics");
        browser.choose("diag-source", "acme-web-1 ");
        browser.choose("diag-target", "acme-db-1 ");
        // The demo converges in the background: ping again until the path is up, within a deadline.
        browser.until(DEMO_BUILT, d -> "answered".equals(ping()));
        browser.screenshot("ui-ping-answered");
        assertThat(browser.text("diag-summary")).contains("3 of 3 answered");
        assertThat(browser.text("diag-drops")).isEqualTo("No drops counted.");

        browser.choose("diag-target", "globex-web-2 ");
        // A probe the agent is still busy with (the demo measures its matrix meanwhile) answers DiagnosticUnavailable.
        String outcome = browser.until(DEMO_BUILT, d -> {
            String o = ping();
            return o.equals("refused") && browser.text("error").contains("DiagnosticUnavailable") ? null : o;
        });
        assertThat(outcome).as(browser.text("diag-result")).isEqualTo("dropped");
        browser.screenshot("ui-ping-across-tenants-dropped");
        assertThat(browser.text("diag-summary")).contains("0 of 3 answered");
        assertThat(browser.text("diag-drops")).startsWith("Dropped by the data plane: ").contains("ARP_UNKNOWN_BINDING");
    }

    @Test
    void theReachabilityMatrixOfAVpcIsAGridOfAnswers() throws Exception {
        browser.screen("diagnostics");
        browser.choose("matrix-vpc", "acme-vpc");
        // Measured again until the demo has converged: every pair of acme's three instances answers.
        browser.until(DEMO_BUILT, d -> {
            browser.script("document.getElementById('matrix').dataset.done = 'false'");
            browser.click("matrix-run");
            browser.until(Duration.ofSeconds(30), x -> "true".equals(browser.attribute("matrix", "data-done")));
            return count("#matrix td.ok") == 6 && count("#matrix td.bad") == 0;
        });
        browser.screenshot("ui-matrix-acme");
        assertThat(count("#matrix td.self")).isEqualTo(3);
        assertThat(browser.text("matrix")).contains("acme-web-1", "acme-web-2", "acme-db-1").doesNotContain("globex");
    }

    @Test
    void theLessonsCountMacEntriesFloodScopeAndHeaderBytesFromTheDemo() throws Exception {
        browser.screen("topology");
        browser.until(DEMO_BUILT, d -> count("node.instance") == 6 && count("edge.tunnel") == 3);
        browser.screen("lessons");

        browser.click("anatomy-render");
        assertThat(browser.text("anatomy")).contains("overhead 4", "overhead 50", "VNI ", "UDP dst 4789 (2)\n12 b5");
        assertThat(browser.text("anatomy-inner-mtu")).isEqualTo("1450");

        browser.click("macs-count");
        browser.until(Duration.ofSeconds(10), d -> !d.findElements(By.id("macs-vxlan")).isEmpty());
        assertThat(browser.text("macs-vlan")).isEqualTo("6");
        assertThat(browser.text("macs-vxlan")).isEqualTo("3");

        browser.click("flood-count");
        browser.until(Duration.ofSeconds(10), d -> !d.findElements(By.cssSelector("#flood tbody tr")).isEmpty());
        browser.script("document.getElementById('lesson-macs').scrollIntoView()");
        browser.screenshot("ui-lessons-macs-flood");
        // the demo's four subnets, and the public network's segment that holds its internet hosts (web, dns)
        assertThat(count("#flood tbody tr")).isEqualTo(5);
        assertThat(browser.text("flood")).contains("tunnel copies", "answered by the local agent: 0 copies");
    }

    /** Clicks Ping and answers the outcome the page reports (answered, dropped, error or refused). */
    private String ping() {
        browser.script("document.getElementById('diag-result').dataset.outcome = ''");
        browser.click("diag-ping");
        return browser.until(Duration.ofSeconds(20), d -> {
            String outcome = d.findElement(By.id("diag-result")).getDomAttribute("data-outcome");
            return outcome == null || outcome.isEmpty() || outcome.equals("running") ? null : outcome;
        });
    }

    @SuppressWarnings("unchecked")
    private List<String> labels() {
        List<String> labels = (List<String>) browser.script("return cy.nodes().map(n => n.data('label').split('\\n')[0])");
        return labels;
    }

    /** Graph elements by cytoscape selector ("node.host"), or page elements by CSS selector ("#matrix td"). */
    private long count(String selector) {
        String script = selector.startsWith("#") ? "return document.querySelectorAll(\"" + selector + "\").length"
                : "return cy.elements('" + selector + "').length";
        return (Long) browser.script(script);
    }
}
