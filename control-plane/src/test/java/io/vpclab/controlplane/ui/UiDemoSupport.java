package io.vpclab.controlplane.ui;

import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the browser tests against the all-in-one demo (three in-process agents, tenants acme
 * and globex): one server and one signed-in headless Chromium per test class.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UiDemoSupport {

    static final String ADMIN_TOKEN = "ui-test-admin-" + UUID.randomUUID();
    static final Duration DEMO_BUILT = Duration.ofSeconds(120);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.admin-token", () -> ADMIN_TOKEN);
        registry.add("vpclab.demo.enabled", () -> "true");
        registry.add("vpclab.demo.port", () -> FreeUdpPorts.consecutive(1));
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "ui-demo-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
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

    /** Clicks Ping on the diagnostics screen and answers the outcome the page reports (answered, dropped, error or refused). */
    String ping() {
        browser.script("document.getElementById('diag-result').dataset.outcome = ''");
        browser.click("diag-ping");
        return browser.until(Duration.ofSeconds(20), d -> {
            String outcome = d.findElement(By.id("diag-result")).getDomAttribute("data-outcome");
            return outcome == null || outcome.isEmpty() || outcome.equals("running") ? null : outcome;
        });
    }

    @SuppressWarnings("unchecked")
    List<String> labels() {
        List<String> labels =
                (List<String>) browser.script("return cy.nodes().map(n => n.data('label').split('\\n')[0])");
        return labels;
    }

    /** Graph elements by cytoscape selector ("node.host"), or page elements by CSS selector ("#matrix td"). */
    long count(String selector) {
        String script = selector.startsWith("#")
                ? "return document.querySelectorAll(\"" + selector + "\").length"
                : "return cy.elements('" + selector + "').length";
        return (Long) browser.script(script);
    }

    /** Waits until {@code hostName} has registered: the demo's hosts register while it builds, and a loaded machine takes its time. */
    void awaitHostRegistered(String hostName) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest hosts = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/hosts"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .build();
        browser.until(DEMO_BUILT.multipliedBy(3), d -> {
            try {
                return http.send(hosts, HttpResponse.BodyHandlers.ofString())
                        .body()
                        .contains(hostName);
            } catch (Exception e) {
                return false;
            }
        });
    }
}
