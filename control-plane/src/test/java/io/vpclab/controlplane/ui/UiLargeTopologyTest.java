package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiClient;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * The graph of a big lab, 50 tenants and 500 instances made through the API (hosts without agents: the graph
 * needs only the control plane's view): the tenants' boxes do not overlap, their names read at the zoom that
 * fits them all, and a tenant filter narrows it to that tenant's box.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiLargeTopologyTest {

    static final String ADMIN_TOKEN = "ui-large-admin-" + UUID.randomUUID();
    static final int TENANTS = 50;
    static final int WEB_PER_TENANT = 6;
    static final int DB_PER_TENANT = 4;
    static final int HOSTS = 4;
    static final Duration LOADED = Duration.ofSeconds(120);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.admin-token", () -> ADMIN_TOKEN);
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "ui-large-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
    }

    @LocalServerPort
    int port;

    Browser browser;

    @BeforeAll
    void buildTheLabAndSignIn() throws Exception {
        browser = Browser.open();
        ApiClient admin = TestServers.client("http://localhost:" + port, ADMIN_TOKEN);
        List<String> hosts = new ArrayList<>();
        for (int h = 1; h <= HOSTS; h++) {
            hosts.add(new HostsApi(admin)
                    .registerHost(new HostRegistration().name("rack-" + h).underlayIp("127.0.0." + (10 + h)))
                    .getHost()
                    .getHostId());
        }
        InstancesApi instances = new InstancesApi(admin);
        int placed = 0;
        for (int t = 1; t <= TENANTS; t++) {
            String tenant = "t%02d".formatted(t);
            String tenantId = new TenantsApi(admin)
                    .createTenant(new TenantCreate().name(tenant))
                    .getTenantId();
            String vpcId = new VpcsApi(admin)
                    .createVpc(new VpcCreate()
                            .tenantId(tenantId)
                            .name(tenant + "-vpc")
                            .cidrBlock("10.0.0.0/16"))
                    .getVpcId();
            for (String[] tier : new String[][] {{"web", "10.0.1.0/24"}, {"db", "10.0.2.0/24"}}) {
                String subnetId = new SubnetsApi(admin)
                        .createSubnet(new SubnetCreate()
                                .vpcId(vpcId)
                                .name(tenant + "-" + tier[0])
                                .cidrBlock(tier[1]))
                        .getSubnetId();
                int count = tier[0].equals("web") ? WEB_PER_TENANT : DB_PER_TENANT;
                for (int i = 1; i <= count; i++) {
                    instances.runInstance(new InstanceCreate()
                            .subnetId(subnetId)
                            .hostId(hosts.get(placed++ % HOSTS))
                            .name(tenant + "-" + tier[0] + "-" + i));
                }
            }
        }
        browser.signIn(port, ADMIN_TOKEN);
    }

    @AfterAll
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void fiftyTenantsAndFiveHundredInstancesReadAsSeparateBoxes() throws Exception {
        browser.screen("topology");
        browser.until(LOADED, d -> count("node.instance") == TENANTS * (WEB_PER_TENANT + DB_PER_TENANT));
        assertThat(count("node.tenant")).isEqualTo(TENANTS);
        assertThat(count("node.vpc")).isEqualTo(TENANTS);
        assertThat(count("edge.placement"))
                .as("500 lines to four hosts would be a hairball: none until one is selected")
                .isZero();
        browser.screenshot("ui-topology-50-tenants");

        assertThat(browser.script("""
                        const boxes = cy.nodes('.tenant').map(n => n.boundingBox({ includeLabels: true }));
                        let overlaps = 0;
                        for (let a = 0; a < boxes.length; a++)
                          for (let b = a + 1; b < boxes.length; b++)
                            if (boxes[a].x1 < boxes[b].x2 && boxes[b].x1 < boxes[a].x2
                                && boxes[a].y1 < boxes[b].y2 && boxes[b].y1 < boxes[a].y2) overlaps++;
                        return overlaps;""")).as("tenant boxes that overlap another").isEqualTo(0L);
        double tenantLabelPixels = ((Number)
                        browser.script("return cy.zoom() * parseFloat(cy.nodes('.tenant').first().style('font-size'))"))
                .doubleValue();
        assertThat(tenantLabelPixels)
                .as("a tenant's name at the zoom that shows all fifty, in screen pixels")
                .isGreaterThanOrEqualTo(9.0);
        double graphWidth = ((Number) browser.script("return cy.elements().boundingBox().w")).doubleValue();
        double graphHeight = ((Number) browser.script("return cy.elements().boundingBox().h")).doubleValue();
        assertThat(graphWidth / graphHeight)
                .as("the boxes are packed to the view's shape, not in one long row or column")
                .isBetween(0.6, 3.0);

        browser.choose("topo-tenant", "t17");
        browser.until(Duration.ofSeconds(20), d -> count("node.instance") == WEB_PER_TENANT + DB_PER_TENANT);
        assertThat(count("edge.placement"))
                .as("few enough instances now to draw their hosts")
                .isEqualTo(10);
        assertThat(browser.text("topology-summary")).contains("showing 10 instances of 1 VPCs");
        String instance = (String) browser.script(
                "return cy.nodes('.instance').filter(n => n.data('label').startsWith('t17-web-3\\n')).id()");
        browser.clickNode(instance);
        browser.until(Duration.ofSeconds(10), d -> instance.equals(browser.attribute("details", "data-id")));
        assertThat(browser.driver
                        .findElement(By.cssSelector("#details dd[data-field=tenant]"))
                        .getText())
                .isEqualTo("t17");
        browser.screenshot("ui-topology-50-tenants-one-chosen");

        browser.driver.navigate().back();
        browser.driver.navigate().back();
        browser.until(Duration.ofSeconds(20), d -> count("node.tenant") == TENANTS);
    }

    private long count(String selector) {
        return (Long) browser.script("return cy.elements('" + selector + "').length");
    }
}
