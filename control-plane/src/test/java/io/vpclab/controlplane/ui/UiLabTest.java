package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The UI as a lab's everyday tool, in headless Chromium against the demo: signing in, the graph filtered and
 * boxed per tenant and VPC with a details panel, the URL naming each screen and selection (Back and Forward),
 * tables with parents by name, the UDP probe, the default pair and the isolation matrix across tenants.
 */
class UiLabTest extends UiDemoSupport {

    private static final Duration SHORT = Duration.ofSeconds(15);

    @Test
    void theFirstVisitAsksForATokenInAPanelAndARefusedOneIsSaidThere() throws Exception {
        browser.driver.get("http://localhost:" + port + "/#topology");
        browser.until(SHORT, d -> d.findElement(By.id("sign-out")).isDisplayed());
        browser.click("sign-out");
        // a first visit: no token remembered
        browser.driver.navigate().refresh();
        browser.until(SHORT, d -> d.findElement(By.id("sign-in")).isDisplayed());
        browser.screenshot("ui-sign-in");
        assertThat(browser.driver.findElement(By.id("error")).isDisplayed())
                .as("no red error on the first visit")
                .isFalse();
        assertThat(browser.driver.findElement(By.id("screen-topology")).isDisplayed())
                .isFalse();
        assertThat(browser.text("sign-in")).contains("data/admin-token");

        browser.type("token", "not-a-token");
        browser.driver
                .findElement(By.cssSelector("#token-form button[type=submit]"))
                .click();
        browser.until(SHORT, d -> browser.text("token-state").contains("refused"));
        assertThat(browser.text("token-state")).contains("HTTP 401");
        assertThat(browser.driver.findElement(By.id("sign-in")).isDisplayed()).isTrue();

        browser.signIn(port, ADMIN_TOKEN);
        browser.until(SHORT, d -> browser.text("session-state").equals("signed in as admin"));
        assertThat(browser.driver.findElement(By.id("sign-in")).isDisplayed()).isFalse();
        assertThat(browser.driver.findElement(By.id("screen-topology")).isDisplayed())
                .isTrue();
    }

    @Test
    void theGraphFiltersByTenantAndVpcAndAClickedInstanceShowsItsDetailsAndBackUndoesEachStep() throws Exception {
        open("topology");
        browser.until(DEMO_BUILT, d -> count("node.instance") == 6 && count("edge.tunnel") == 3);
        assertThat(browser.script("return cy.nodes('.instance').every(i => i.parent().is('.subnet')"
                        + " && i.parent().parent().is('.vpc') && i.parent().parent().parent().is('.tenant'))"))
                .as("each instance sits in its subnet's box, in its VPC's, in its tenant's")
                .isEqualTo(true);

        browser.choose("topo-tenant", "acme");
        browser.until(SHORT, d -> count("node.instance") == 3);
        String acme = (String) browser.script("return cy.nodes('.tenant').id()");
        assertThat(browser.hash()).isEqualTo("topology?tenant=" + acme);
        assertThat(labels()).contains("acme-web-1", "acme-web-2", "acme-db-1").noneMatch(l -> l.startsWith("globex"));
        browser.choose("topo-vpc", "acme-vpc");
        String acmeVpc = browser.until(SHORT, d -> browser.hash().contains("&vpc=") ? vpcOfHash() : null);

        String web1 = nodeLabelled("acme-web-1");
        browser.clickNode(web1);
        browser.until(SHORT, d -> web1.equals(browser.attribute("details", "data-id")));
        assertThat(browser.hash()).isEqualTo("topology?tenant=" + acme + "&vpc=" + acmeVpc + "&node=" + web1);
        assertThat(browser.attribute("details", "data-kind")).isEqualTo("instance");
        assertThat(field("privateIpAddress")).isEqualTo("10.0.1.10");
        assertThat(field("vpc")).startsWith("acme-vpc 10.0.0.0/16");
        assertThat(field("subnet")).startsWith("acme-web 10.0.1.0/24");
        assertThat(field("host")).contains("127.0.0.1");
        assertThat(field("state")).isEqualTo("running");
        browser.until(SHORT, d -> browser.text("details-groups").startsWith("default"));
        long packetsIn = browser.until(
                DEMO_BUILT,
                d -> d.findElements(By.cssSelector("#details-counters dd[data-counter=packetsIn]")).stream()
                        .findFirst()
                        .map(e -> Long.valueOf(e.getText()))
                        .orElse(null));
        assertThat(packetsIn)
                .as("the port's counters as its host reported them")
                .isNotNegative();
        assertThat(browser.script("return cy.getElementById('" + web1 + "').selected()"))
                .isEqualTo(true);
        browser.screenshot("ui-instance-details");

        browser.driver.navigate().back();
        browser.until(SHORT, d -> "".equals(browser.attribute("details", "data-id")));
        browser.driver.navigate().back();
        browser.until(SHORT, d -> browser.hash().equals("topology?tenant=" + acme));
        assertThat(count("node.instance")).isEqualTo(3);
        browser.driver.navigate().back();
        browser.until(SHORT, d -> count("node.instance") == 6);
        assertThat(browser.attribute("topo-tenant", "value")).isNullOrEmpty();
        browser.driver.navigate().forward();
        browser.until(SHORT, d -> count("node.instance") == 3);

        // the details link to the probes: the source is chosen and named in the URL
        browser.driver.navigate().forward();
        browser.driver.navigate().forward();
        browser.until(SHORT, d -> web1.equals(browser.attribute("details", "data-id")));
        browser.click("details-probe");
        browser.until(SHORT, d -> d.findElement(By.id("screen-diagnostics")).isDisplayed());
        assertThat(browser.hash()).isEqualTo("diagnostics?from=" + web1);
        browser.until(SHORT, d -> web1.equals(selected("diag-source")));
    }

    @Test
    void aPathCanBeHighlightedOnTheGraph() {
        open("topology");
        browser.until(DEMO_BUILT, d -> count("node.instance") == 6);
        String web1 = nodeLabelled("acme-web-1");
        String db1 = nodeLabelled("acme-db-1");
        String host = (String) browser.script("return cy.nodes('.host').first().id()");
        Object found = browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "import('/js/topology.js').then(m => done(m.highlight(['" + web1 + "', '" + db1
                + "', 'no-such-node', '" + host + "'])));");
        assertThat(found).isEqualTo(3L);
        assertThat(count("node.highlighted")).isEqualTo(3);
        browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "import('/js/topology.js').then(m => done(m.highlight([])));");
        assertThat(count(".highlighted")).isZero();

        // the reachability analyzer's answer, drawn on the graph from the Diagnostics screen
        browser.screen("diagnostics");
        browser.choose("analyzer-source", "acme-web-1 ");
        browser.choose("analyzer-target", "acme-db-1 ");
        browser.click("analyzer-run");
        browser.until(SHORT, d -> browser.attribute("analyzer-result", "data-reachable") != null);
        assertThat(browser.attribute("analyzer-result", "data-component-ids")).contains(web1, db1);
        browser.click("analyzer-show");
        browser.until(SHORT, d -> d.findElement(By.id("screen-topology")).isDisplayed());
        assertThat(browser.hash()).startsWith("topology");
        // the graph highlights once it has drawn the screen it was switched to
        browser.until(SHORT, d -> count("node.highlighted") >= 2 ? true : null);
        assertThat(count("node.highlighted"))
                .as("the path's instances and hosts")
                .isGreaterThanOrEqualTo(2);
        assertThat((Boolean) browser.script("return cy.getElementById('" + web1 + "').hasClass('highlighted')"))
                .isTrue();
    }

    @Test
    void theTablesNameTheParentsAndTheUrlNamesTheTabAndTheRow() throws Exception {
        open("topology");
        browser.until(DEMO_BUILT, d -> count("node.instance") == 6);
        String web1 = nodeLabelled("acme-web-1");
        browser.screen("resources");
        browser.click("tab-instances");
        browser.until(SHORT, d -> "instances".equals(browser.attribute("resource-panel", "data-kind")));
        assertThat(browser.hash()).isEqualTo("resources/instances");
        String row = rowText("instances", web1);
        assertThat(row).contains("acme-web-1", "10.0.1.10", "acme acme-vpc acme-web ", "running");
        browser.click("tab-vpcs");
        browser.until(SHORT, d -> "vpcs".equals(browser.attribute("resource-panel", "data-kind")));
        assertThat(browser.driver.findElements(By.xpath("//table[@id='list-vpcs']//tr[td='acme-vpc']/td[3]")))
                .singleElement()
                .satisfies(cell -> assertThat(cell.getText())
                        .as("the VPC's tenant by name")
                        .isEqualTo("acme"));
        browser.driver.navigate().back();
        browser.until(SHORT, d -> "instances".equals(browser.attribute("resource-panel", "data-kind")));

        browser.click("show-" + web1);
        browser.until(SHORT, d -> web1.equals(browser.attribute("details", "data-id")));
        assertThat(browser.hash()).isEqualTo("topology?node=" + web1);
        browser.click("details-row");
        browser.until(
                SHORT,
                d -> d.findElements(By.cssSelector("#list-instances tr.selected[data-id='" + web1 + "']"))
                                .size()
                        == 1);
        assertThat(browser.hash()).isEqualTo("resources/instances/" + web1);
        browser.screenshot("ui-resources-instances");
    }

    @Test
    void diagnosticsStartWithASensiblePairProbeUdpAndShowIsolationAcrossTenants() throws Exception {
        browser.driver.get("http://localhost:" + port + "/#diagnostics");
        browser.driver.navigate().refresh();
        browser.until(
                SHORT, d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        browser.until(DEMO_BUILT, d -> count("node.instance") == 6);
        String source = browser.until(SHORT, d -> selected("diag-source"));
        String target = selected("diag-target");
        assertThat(target).as("a target other than the source").isNotEqualTo(source);
        assertThat(vpcOf(target)).as("in the source's VPC").isEqualTo(vpcOf(source));
        assertThat(browser.attribute("diag-udp-port", "value")).isEqualTo("7");

        String outcome = browser.until(DEMO_BUILT, d -> {
            browser.script("document.getElementById('diag-result').dataset.outcome = ''");
            browser.click("diag-udp");
            String o = browser.until(SHORT, x -> {
                String v = x.findElement(By.id("diag-result")).getDomAttribute("data-outcome");
                return v == null || v.isEmpty() || v.equals("running") ? null : v;
            });
            return "answered".equals(o) ? o : null;
        });
        assertThat(outcome).isEqualTo("answered");
        assertThat(browser.text("diag-summary")).startsWith("UDP probe ").contains("port open");
        browser.screenshot("ui-udp-probe");

        browser.choose("diag-target", "globex-db-1 ");
        browser.until(SHORT, d -> browser.hash().contains("to=" + nodeLabelled("globex-db-1")));

        browser.choose("matrix-vpc", "one per VPC");
        browser.until(DEMO_BUILT, d -> {
            browser.script("document.getElementById('matrix').dataset.done = 'false'");
            browser.click("matrix-run");
            browser.until(Duration.ofSeconds(60), x -> "true".equals(browser.attribute("matrix", "data-done")));
            return count("#matrix td.isolated") >= 2 && count("#matrix td.bad") == 0;
        });
        browser.screenshot("ui-matrix-across-tenants");
        assertThat(browser.attribute("matrix", "data-leaks")).isEqualTo("0");
        assertThat(browser.text("matrix-verdict")).startsWith("Tenant isolation holds");
        assertThat(browser.text("matrix")).contains("(acme)", "(globex)");
    }

    /** Opens a screen by its URL in a fresh document, signed in (the token is remembered). */
    private void open(String hash) {
        browser.driver.get("http://localhost:" + port + "/#" + hash);
        browser.driver.navigate().refresh();
        browser.until(
                SHORT, d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
    }

    private String nodeLabelled(String name) {
        return browser.until(
                SHORT,
                d -> (String) browser.script("const n = cy.nodes().filter(n => n.data('label').split('\\n')[0] === '"
                        + name + "');" + " return n.nonempty() ? n.id() : null;"));
    }

    private String vpcOfHash() {
        String hash = browser.hash();
        return hash.substring(hash.indexOf("&vpc=") + 5).split("&")[0];
    }

    private String vpcOf(String instanceId) {
        return (String) browser.script("return cy.getElementById('" + instanceId + "').parent().parent().id()");
    }

    private String field(String name) {
        return browser.driver
                .findElement(By.cssSelector("#details dd[data-field='" + name + "']"))
                .getText();
    }

    private String selected(String selectId) {
        String value = (String) browser.script("return document.getElementById('" + selectId + "').value");
        return value == null || value.isEmpty() ? null : value;
    }

    private String rowText(String kind, String id) {
        return browser.until(
                SHORT,
                d -> d.findElement(By.cssSelector("#list-" + kind + " tr[data-id='" + id + "']"))
                        .getText());
    }
}
