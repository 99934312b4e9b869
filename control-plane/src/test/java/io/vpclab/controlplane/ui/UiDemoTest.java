package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.controlplane.capture.PcapFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The UI against the all-in-one demo, in headless Chromium: graph, CRUD, refusals, diagnostics, captures, lessons. */
class UiDemoTest extends UiDemoSupport {

    @Test
    void theGraphShowsTheDemosNodesAndTunnels() throws Exception {
        browser.screen("topology");
        List<String> demoNames = List.of(
                "acme",
                "globex",
                "acme-web-1",
                "acme-web-2",
                "acme-db-1",
                "globex-web-1",
                "globex-web-2",
                "globex-db-1");
        browser.until(
                DEMO_BUILT,
                d -> labels().containsAll(demoNames) && count("node.host") == 3 && count("edge.tunnel") == 3);
        browser.screenshot("ui-topology-demo");

        assertThat(count("node.tenant")).isGreaterThanOrEqualTo(2);
        assertThat(count("node.instance")).isEqualTo(6);
        assertThat(browser.text("topology-summary")).contains("6 instances", "3 hosts", "3 tunnels");
    }

    @Test
    void aVpcCreatedInTheUiAppearsInTheGraph() throws Exception {
        browser.screen("resources");
        browser.click("tab-vpcs");
        browser.until(
                Duration.ofSeconds(10),
                d -> "vpcs".equals(d.findElement(By.id("resource-panel")).getDomAttribute("data-kind")));
        browser.choose("create-vpcs-tenantId", "acme");
        browser.type("create-vpcs-name", "made-in-the-ui");
        browser.type("create-vpcs-cidrBlock", "10.77.0.0/16");
        browser.click("create-vpcs-submit");
        browser.until(
                Duration.ofSeconds(10),
                d -> !d.findElements(By.xpath("//table[@id='list-vpcs']//td[text()='made-in-the-ui']"))
                        .isEmpty());
        browser.screenshot("ui-vpc-created-list");

        browser.screen("topology");
        browser.until(Duration.ofSeconds(5), d -> labels().contains("made-in-the-ui"));
        browser.screenshot("ui-vpc-created-graph");
        assertThat(browser.script("return cy.nodes('.vpc').map(n => n.data('label')).join('|')")
                        .toString())
                .contains("made-in-the-ui\n10.77.0.0/16");
    }

    @Test
    void aRefusedRequestShowsTheProblemInWords() throws Exception {
        browser.screen("resources");
        browser.click("tab-vpcs");
        browser.until(
                Duration.ofSeconds(10),
                d -> "vpcs".equals(d.findElement(By.id("resource-panel")).getDomAttribute("data-kind")));
        browser.choose("create-vpcs-tenantId", "globex");
        browser.type("create-vpcs-name", "too-big");
        browser.type("create-vpcs-cidrBlock", "10.0.0.0/8");
        browser.click("create-vpcs-submit");
        browser.until(Duration.ofSeconds(10), d -> d.findElement(By.id("error")).isDisplayed());
        browser.screenshot("ui-refused-request");

        assertThat(browser.text("error"))
                .isEqualTo("Refused: VPC block 10.0.0.0/8 must be /16 to /28 (code InvalidVpc.Range, HTTP 400)");
        assertThat(browser.attribute("error", "data-code")).isEqualTo("InvalidVpc.Range");
    }

    @Test
    void associatingAnElasticIpAsksInAnInPageDialogThatValidatesAndCanBeCancelled() throws Exception {
        // the page must not fall back to the browser's own prompt
        browser.script("window.prompted = false; window.prompt = () => { window.prompted = true; return null; }");
        browser.screen("resources");
        browser.click("tab-eips");
        browser.until(Duration.ofSeconds(10), d -> "eips".equals(browser.attribute("resource-panel", "data-kind")));
        List<String> before = eipRows();
        browser.choose("create-eips-tenantId", "acme");
        browser.click("create-eips-submit");
        String allocationId = browser.until(
                Duration.ofSeconds(10),
                d -> eipRows().stream()
                        .filter(id -> !before.contains(id))
                        .findFirst()
                        .orElse(null));

        browser.click("associate-" + allocationId);
        browser.until(
                Duration.ofSeconds(5),
                d -> d.findElement(By.id("eip-associate")).isDisplayed());
        assertThat(browser.script("return window.prompted")).isEqualTo(false);
        assertThat(browser.text("eip-associate-instanceId"))
                .as("only the EIP's tenant's instances are offered")
                .contains("acme-web-1", "acme-web-2", "acme-db-1")
                .doesNotContain("globex");
        browser.click("eip-associate-submit");
        browser.until(
                Duration.ofSeconds(5),
                d -> d.findElement(By.id("eip-associate-error")).isDisplayed());
        browser.screenshot("ui-eip-associate-dialog-invalid");
        assertThat(browser.text("eip-associate-error")).isEqualTo("Choose an instance.");
        assertThat(browser.driver.findElement(By.id("eip-associate")).isDisplayed())
                .as("an invalid answer keeps the dialog open")
                .isTrue();

        // Cancel closes it; the list redraws once the action is over, and nothing was associated
        browser.script("document.getElementById('resource-panel').dataset.kind = 'stale'");
        browser.click("eip-associate-cancel");
        browser.until(
                Duration.ofSeconds(10),
                d -> d.findElements(By.id("eip-associate")).isEmpty()
                        && "eips".equals(browser.attribute("resource-panel", "data-kind")));
        assertThat(eipInstance(allocationId)).isEmpty();

        browser.click("associate-" + allocationId);
        browser.until(
                Duration.ofSeconds(5),
                d -> d.findElement(By.id("eip-associate")).isDisplayed());
        assertThat(browser.driver
                        .findElements(By.id("eip-associate-error"))
                        .get(0)
                        .isDisplayed())
                .as("a fresh form")
                .isFalse();
        browser.choose("eip-associate-instanceId", "acme-web-2 ");
        browser.screenshot("ui-eip-associate-dialog");
        browser.click("eip-associate-submit");
        browser.until(
                Duration.ofSeconds(10),
                d -> d.findElements(By.id("eip-associate")).isEmpty()
                        && d.findElement(By.cssSelector("#list-eips tr[data-id='" + allocationId + "']"))
                                .getText()
                                .contains("i-"));
        browser.screenshot("ui-eip-associated");
        String instanceId = eipInstance(allocationId);
        assertThat(instanceId).startsWith("i-");
        assertThat(browser.driver
                        .findElement(By.cssSelector("#list-eips tr[data-id='" + allocationId + "']"))
                        .getText())
                .contains(instanceId);
        assertThat(browser.script("return cy.getElementById('" + instanceId + "').data('label')")
                        .toString())
                .startsWith("acme-web-2");
        assertThat(browser.script("return window.prompted")).isEqualTo(false);
    }

    /**
     * The one poller every screen uses, driven in the page with its own tasks: waits double while runs fail
     * (up to the cap) and fall back after a success; a hidden tab stops the runs, showing it again runs at once.
     */
    @Test
    @SuppressWarnings("unchecked")
    void thePollerBacksOffOnErrorsAndPausesWhileTheTabIsHidden() {
        var answer = (java.util.Map<String, Object>) browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/js/poller.js').then(async ({ poller }) => {
                  const until = async (condition) => { for (let i = 0; i < 500 && !condition(); i++) await new Promise(r => setTimeout(r, 10)); };
                  const delays = [];
                  const flaky = poller(() => { delays.push(flaky.delay); if (delays.length <= 4) throw new Error('down'); }, { every: 20, maxDelay: 160 });
                  flaky.start();
                  await until(() => delays.length >= 6);
                  flaky.stop();
                  const afterSuccess = flaky.delay;

                  let hidden = false;
                  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
                  let runs = 0;
                  const steady = poller(() => { runs++; }, { every: 10 });
                  steady.start();
                  await until(() => runs >= 3);
                  hidden = true;
                  document.dispatchEvent(new Event('visibilitychange'));
                  const whenHidden = runs;
                  await new Promise(r => setTimeout(r, 150));   // fifteen periods with the tab hidden
                  const whileHidden = runs - whenHidden;
                  hidden = false;
                  document.dispatchEvent(new Event('visibilitychange'));
                  await Promise.resolve();
                  await Promise.resolve();
                  const onShow = runs - whenHidden;
                  steady.stop();
                  delete document.hidden;
                  document.dispatchEvent(new Event('visibilitychange'));
                  done({ delays, afterSuccess, whileHidden, onShow });
                }, e => done({ error: String(e) }));
                """);
        assertThat(answer).doesNotContainKey("error");
        assertThat((List<Long>) answer.get("delays"))
                .as("the wait before each run")
                .startsWith(20L, 40L, 80L, 160L, 160L);
        assertThat(answer.get("afterSuccess")).as("a success resets the wait").isEqualTo(20L);
        assertThat(answer.get("whileHidden"))
                .as("no run while the tab is hidden")
                .isEqualTo(0L);
        assertThat(answer.get("onShow")).as("showing the tab runs at once").isEqualTo(1L);
    }

    private List<String> eipRows() {
        return browser.driver.findElements(By.cssSelector("#list-eips tbody tr[data-id]")).stream()
                .map(r -> r.getDomAttribute("data-id"))
                .toList();
    }

    /** The instance an EIP is associated with, from the API ("" when none). */
    private String eipInstance(String allocationId) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        "http://localhost:" + port + "/api/v1/eips/" + allocationId))
                                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var instance = new tools.jackson.databind.ObjectMapper()
                .readTree(response.body())
                .path("instanceId");
        return instance.isNull() || instance.isMissingNode() ? "" : instance.asString();
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
        assertThat(browser.text("diag-drops"))
                .startsWith("Dropped by the data plane: ")
                .contains("ARP_UNKNOWN_BINDING");
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
        assertThat(browser.text("matrix"))
                .contains("acme-web-1", "acme-web-2", "acme-db-1")
                .doesNotContain("globex");
    }

    @Test
    void theLessonsCountMacEntriesAndHeaderBytesFromTheDemo() throws Exception {
        browser.screen("topology");
        browser.until(DEMO_BUILT, d -> count("node.instance") == 6 && count("edge.tunnel") == 3);
        browser.screen("lessons");

        browser.click("anatomy-render");
        assertThat(browser.text("anatomy")).contains("overhead 4", "overhead 50", "VNI ", "UDP dst 4789 (2)\n12 b5");
        assertThat(browser.text("anatomy-inner-mtu")).isEqualTo("1450");

        browser.click("macs-count");
        browser.until(
                Duration.ofSeconds(10),
                d -> !d.findElements(By.id("macs-vxlan")).isEmpty());
        assertThat(browser.text("macs-vlan")).isEqualTo("6");
        assertThat(browser.text("macs-vxlan")).isEqualTo("3");
        browser.script("document.getElementById('lesson-macs').scrollIntoView()");
        browser.screenshot("ui-lessons-macs");
    }

    @Test
    void aCaptureStartedInTheUiDuringAPingDownloadsAsAValidPcap() throws Exception {
        browser.screen("diagnostics");
        browser.choose("diag-source", "acme-web-1 ");
        browser.choose("diag-target", "acme-db-1 ");
        browser.until(DEMO_BUILT, d -> "answered".equals(ping()));

        browser.choose("cap-point", "port of acme-web-1 ");
        browser.click("cap-start");
        String captureId = browser.until(
                Duration.ofSeconds(20),
                d -> d.findElements(By.cssSelector("#capture-list tr[data-status=running]")).stream()
                        .findFirst()
                        .map(row -> row.getDomAttribute("data-capture"))
                        .orElse(null));
        assertThat(ping()).isEqualTo("answered");
        browser.until(
                Duration.ofSeconds(10),
                d -> Long.parseLong(captureRow(captureId)
                                .findElement(By.cssSelector("td.num"))
                                .getText())
                        >= 6);
        browser.script("document.getElementById('cap-start').scrollIntoView()");
        browser.screenshot("ui-capture-running");

        browser.click("cap-stop-" + captureId);
        browser.until(
                Duration.ofSeconds(20),
                d -> "stopped".equals(captureRow(captureId).getDomAttribute("data-status")));
        browser.click("cap-download-" + captureId);
        Path pcap = browser.downloaded(captureId + ".pcap", Duration.ofSeconds(20));
        browser.until(
                Duration.ofSeconds(5), d -> browser.text("cap-status").startsWith("Saved " + captureId + ".pcap"));
        browser.script("document.getElementById('cap-start').scrollIntoView()");
        browser.screenshot("ui-capture-downloaded");

        PcapFile file = PcapFile.read(pcap);
        assertThat(file.linkType()).as("Ethernet").isEqualTo(1);
        assertThat(file.frames().stream()
                        .filter(PcapFile::isIcmp)
                        .map(PcapFile::icmpType)
                        .toList())
                .as("the three echo requests and replies of the ping")
                .contains(8, 0)
                .hasSizeGreaterThanOrEqualTo(6);
        assertThat(captureRow(captureId).getText())
                .contains("port of acme-web-1", "stopped (requested)", java.nio.file.Files.size(pcap) + " B");
    }

    @Test
    void theScreensAreReachedByKeyboardAndFitAProjector() throws Exception {
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1024, 768));
        try {
            browser.driver.get("http://localhost:" + port + "/#topology");
            // a fresh document, so the keyboard starts at the top and not where an earlier test left focus
            browser.driver.navigate().refresh();
            browser.until(
                    Duration.ofSeconds(30),
                    d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
            // Tab from the top of the page to the Figures button and press Enter, as a keyboard user would
            org.openqa.selenium.interactions.Actions keys =
                    new org.openqa.selenium.interactions.Actions(browser.driver);
            for (int i = 0; i < 12 && !"figures".equals(focusedScreenButton()); i++) {
                keys.sendKeys(org.openqa.selenium.Keys.TAB).perform();
            }
            assertThat(focusedScreenButton())
                    .as("the Figures button is in the tab order")
                    .isEqualTo("figures");
            keys.sendKeys(org.openqa.selenium.Keys.ENTER).perform();
            browser.until(
                    Duration.ofSeconds(5),
                    d -> d.findElement(By.id("screen-figures")).isDisplayed());
            browser.until(Duration.ofSeconds(20), d -> count("#fig-hosts article[data-name] dd[data-counter]") >= 21);
            browser.screenshot("ui-projector-1024-figures");
            assertThat((Long) browser.script("return document.documentElement.scrollWidth"))
                    .as("no sideways scrolling at 1024 px")
                    .isLessThanOrEqualTo(1024L);
            assertThat(browser.driver
                            .findElement(By.cssSelector("nav button[data-screen=figures]"))
                            .getDomAttribute("aria-current"))
                    .isEqualTo("page");

            keys.keyDown(org.openqa.selenium.Keys.SHIFT)
                    .sendKeys(org.openqa.selenium.Keys.TAB)
                    .keyUp(org.openqa.selenium.Keys.SHIFT)
                    .perform();
            assertThat(focusedScreenButton()).isEqualTo("flowlogs");
            keys.keyDown(org.openqa.selenium.Keys.SHIFT)
                    .sendKeys(org.openqa.selenium.Keys.TAB)
                    .keyUp(org.openqa.selenium.Keys.SHIFT)
                    .perform();
            assertThat(focusedScreenButton()).isEqualTo("diagnostics");
            keys.sendKeys(org.openqa.selenium.Keys.ENTER).perform();
            browser.until(
                    Duration.ofSeconds(5),
                    d -> d.findElement(By.id("screen-diagnostics")).isDisplayed());
            browser.screenshot("ui-projector-1024-diagnostics");
            assertThat((Long) browser.script("return document.documentElement.scrollWidth"))
                    .isLessThanOrEqualTo(1024L);
        } finally {
            browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        }
    }

    private String focusedScreenButton() {
        return (String)
                browser.script(
                        "return document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.screen || null : null");
    }

    private org.openqa.selenium.WebElement captureRow(String captureId) {
        return browser.driver.findElement(By.cssSelector("#capture-list tr[data-capture='" + captureId + "']"));
    }
}
