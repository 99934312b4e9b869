package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiClient;
import io.vpclab.client.api.RouteTablesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.model.RouteState;
import io.vpclab.client.model.RouteTable;
import io.vpclab.client.model.RouteTableRoute;
import io.vpclab.client.model.RouteTargetType;
import io.vpclab.controlplane.TestServers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Route tables on the Resources screen, in headless Chromium against the demo: a custom table gets
 * a blackhole route and a route to an appliance instance, a subnet, then loses a route; every
 * change made in the page's dialogs is checked through the REST API.
 */
class UiRouteTablesTest extends UiDemoSupport {

    private static final Duration SHORT = Duration.ofSeconds(10);

    @Test
    void aTableGetsRoutesAndASubnetAndShowsTheirState() throws Exception {
        browser.until(DEMO_BUILT, d -> count("node.instance") >= 6);
        showList("routeTables");
        List<String> before = rows();
        browser.choose("create-routeTables-vpcId", "acme-vpc");
        browser.type("create-routeTables-name", "ui-rt");
        browser.click("create-routeTables-submit");
        String tableId = browser.until(
                SHORT,
                d -> rows().stream()
                        .filter(id -> !before.contains(id) && row(id).startsWith("ui-rt "))
                        .findFirst()
                        .orElse(null));
        assertThat(row(tableId)).as("a new table holds the local route only").contains("10.0.0.0/16 -> local");

        browser.click("add-route-" + tableId);
        waitForDialog("rt-route");
        browser.type("rt-route-destinationCidrBlock", "192.0.2.0/24");
        browser.click("rt-route-submit");
        String refusal = browser.until(SHORT, d -> shownText("rt-route-error"));
        assertThat(refusal).isEqualTo("Choose a target.");
        browser.choose("rt-route-target", "blackhole");
        browser.click("rt-route-submit");
        browser.until(SHORT, d -> row(tableId).contains("192.0.2.0/24 -> blackhole (blackhole)"));

        browser.click("add-route-" + tableId);
        waitForDialog("rt-route");
        assertThat(browser.text("rt-route-target"))
                .as("only the table's VPC's instances are offered")
                .contains("instance acme-web-1")
                .doesNotContain("globex-");
        browser.type("rt-route-destinationCidrBlock", "0.0.0.0/0");
        browser.choose("rt-route-target", "instance acme-web-1");
        browser.screenshot("ui-route-table-route-dialog");
        browser.click("rt-route-submit");
        browser.until(SHORT, d -> row(tableId).contains("0.0.0.0/0 -> instance i-"));
        assertThat(row(tableId).lines().filter(l -> l.contains("0.0.0.0/0")))
                .as("an active route shows no state")
                .singleElement()
                .satisfies(line -> assertThat(line).doesNotContain("(blackhole)"));

        browser.click("associate-subnet-" + tableId);
        waitForDialog("rt-associate");
        browser.choose("rt-associate-choice", "acme-db");
        browser.click("rt-associate-submit");
        browser.until(SHORT, d -> row(tableId).contains("acme-db subnet-"));
        browser.screenshot("ui-route-tables");

        RouteTable table = tables().getRouteTable(tableId);
        String dbSubnet = new SubnetsApi(admin())
                .listSubnets(table.getVpcId(), 100, null).getItems().stream()
                        .filter(s -> "acme-db".equals(s.getName()))
                        .findFirst()
                        .orElseThrow()
                        .getSubnetId();
        assertThat(table.getSubnetIds()).containsExactly(dbSubnet);
        assertThat(table.getRoutes())
                .filteredOn(r -> r.getTargetType() != RouteTargetType.LOCAL)
                .extracting(
                        RouteTableRoute::getDestinationCidrBlock,
                        RouteTableRoute::getTargetType,
                        RouteTableRoute::getState)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("0.0.0.0/0", RouteTargetType.INSTANCE, RouteState.ACTIVE),
                        org.assertj.core.groups.Tuple.tuple(
                                "192.0.2.0/24", RouteTargetType.BLACKHOLE, RouteState.BLACKHOLE));

        browser.click("delete-route-" + tableId);
        waitForDialog("rt-delete");
        assertThat(browser.text("rt-delete-choice"))
                .as("local routes cannot be deleted")
                .doesNotContain("local");
        browser.choose("rt-delete-choice", "192.0.2.0/24");
        browser.click("rt-delete-submit");
        browser.until(SHORT, d -> !row(tableId).contains("192.0.2.0/24"));
        assertThat(tables().getRouteTable(tableId).getRoutes())
                .extracting(RouteTableRoute::getDestinationCidrBlock)
                .doesNotContain("192.0.2.0/24");

        // the main table's association dialog gives the subnet back to it
        String mainId = tables().listRouteTables(table.getVpcId(), 100, null).getItems().stream()
                .filter(RouteTable::getMain)
                .findFirst()
                .orElseThrow()
                .getRouteTableId();
        assertThat(row(mainId)).contains("(main: every subnet without a table)");
        browser.click("associate-subnet-" + mainId);
        waitForDialog("rt-associate");
        browser.choose("rt-associate-choice", "acme-db");
        browser.click("rt-associate-submit");
        browser.until(SHORT, d -> !row(tableId).contains("acme-db"));
        assertThat(tables().getRouteTable(tableId).getSubnetIds()).isEmpty();
    }

    private ApiClient admin() {
        return TestServers.client("http://localhost:" + port, ADMIN_TOKEN);
    }

    private RouteTablesApi tables() {
        return new RouteTablesApi(admin());
    }

    private void showList(String kind) {
        browser.screen("resources");
        browser.click("tab-" + kind);
        browser.until(SHORT, d -> kind.equals(browser.attribute("resource-panel", "data-kind")));
    }

    private void waitForDialog(String id) {
        browser.until(Duration.ofSeconds(5), d -> d.findElement(By.id(id)).isDisplayed());
    }

    private String shownText(String id) {
        var element = browser.driver.findElement(By.id(id));
        return element.isDisplayed() ? element.getText() : null;
    }

    private List<String> rows() {
        return browser.driver.findElements(By.cssSelector("#list-routeTables tbody tr[data-id]")).stream()
                .map(r -> r.getDomAttribute("data-id"))
                .toList();
    }

    private String row(String id) {
        return browser.driver
                .findElement(By.cssSelector("#list-routeTables tr[data-id='" + id + "']"))
                .getText();
    }
}
