package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiClient;
import io.vpclab.client.api.NetworkAclsApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.model.NetworkAcl;
import io.vpclab.client.model.SecurityGroup;
import io.vpclab.controlplane.TestServers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Security groups and network ACLs on the Resources screen, in headless Chromium against the demo:
 * every change made in the page's dialogs is checked through the REST API.
 */
class UiSecurityTest extends UiDemoSupport {

    private static final Duration SHORT = Duration.ofSeconds(10);

    @Test
    void aGroupGetsARuleAndLosesItAndAnInstanceJoinsIt() throws Exception {
        browser.until(DEMO_BUILT, d -> count("node.instance") >= 6);
        showList("securityGroups");
        List<String> before = rows("securityGroups");
        browser.choose("create-securityGroups-vpcId", "acme-vpc");
        browser.type("create-securityGroups-groupName", "ui-db");
        browser.click("create-securityGroups-submit");
        String groupId = browser.until(
                SHORT,
                d -> rows("securityGroups").stream()
                        .filter(id -> !before.contains(id)
                                && row("securityGroups", id).startsWith("ui-db "))
                        .findFirst()
                        .orElse(null));

        browser.click("add-rule-" + groupId);
        waitForDialog("sg-rule");
        browser.choose("sg-rule-protocol", "tcp");
        browser.type("sg-rule-fromPort", "5432");
        browser.type("sg-rule-toPort", "5432");
        browser.click("sg-rule-submit");
        String refusal = browser.until(SHORT, d -> shownText("sg-rule-error"));
        assertThat(refusal).isEqualTo("Give either a CIDR or a group.");
        browser.type("sg-rule-cidrIp", "10.0.1.0/24");
        browser.screenshot("ui-security-group-rule-dialog");
        browser.click("sg-rule-submit");
        browser.until(SHORT, d -> row("securityGroups", groupId).contains("in tcp 5432 from 10.0.1.0/24"));
        browser.screenshot("ui-security-groups");
        SecurityGroup group = groups().getSecurityGroup(groupId);
        assertThat(group.getIngressRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getIpProtocol()).isEqualTo("tcp");
            assertThat(rule.getFromPort()).isEqualTo(5432);
            assertThat(rule.getToPort()).isEqualTo(5432);
            assertThat(rule.getCidrIp()).isEqualTo("10.0.1.0/24");
        });

        browser.click("revoke-rule-" + groupId);
        waitForDialog("sg-revoke");
        browser.choose("sg-revoke-choice", "in tcp 5432");
        browser.click("sg-revoke-submit");
        browser.until(SHORT, d -> !row("securityGroups", groupId).contains("5432"));
        assertThat(groups().getSecurityGroup(groupId).getIngressRules()).isEmpty();

        showList("instances");
        String instanceId = rowIdContaining("instances", "acme-db-1");
        browser.click("groups-" + instanceId);
        waitForDialog("instance-groups");
        Select choice = new Select(browser.driver.findElement(By.id("instance-groups-securityGroupIds")));
        assertThat(choice.getAllSelectedOptions())
                .as("the instance's current group is chosen")
                .singleElement()
                .satisfies(o -> assertThat(o.getText()).startsWith("default "));
        choice.selectByValue(groupId);
        browser.click("instance-groups-submit");
        List<String> joined = browser.until(SHORT, d -> {
            List<String> now = groupsOf(instanceId);
            return now.size() == 2 ? now : null;
        });
        assertThat(joined).contains(groupId);
        browser.click("groups-" + instanceId);
        waitForDialog("instance-groups");
        assertThat(new Select(browser.driver.findElement(By.id("instance-groups-securityGroupIds")))
                        .getAllSelectedOptions())
                .as("the dialog shows the groups the instance has now")
                .hasSize(2);
        browser.click("instance-groups-cancel");
    }

    @Test
    void anAclGetsANumberedDenyAndASubnet() throws Exception {
        browser.until(DEMO_BUILT, d -> count("node.instance") >= 6);
        showList("networkAcls");
        List<String> before = rows("networkAcls");
        browser.choose("create-networkAcls-vpcId", "globex-vpc");
        browser.click("create-networkAcls-submit");
        // the new one: not a VPC's default (the demo may still be adding its VPCs meanwhile)
        String aclId = browser.until(
                SHORT,
                d -> rows("networkAcls").stream()
                        .filter(id ->
                                !before.contains(id) && row("networkAcls", id).contains(" false "))
                        .findFirst()
                        .orElse(null));
        assertThat(row("networkAcls", aclId)).as("a new ACL denies everything").contains("in * deny all traffic");

        browser.click("add-entry-" + aclId);
        waitForDialog("acl-entry");
        browser.type("acl-entry-ruleNumber", "100");
        browser.choose("acl-entry-ruleAction", "allow");
        browser.choose("acl-entry-protocol", "tcp");
        browser.type("acl-entry-fromPort", "22");
        browser.type("acl-entry-toPort", "22");
        browser.type("acl-entry-cidrBlock", "10.0.0.0/16");
        browser.click("acl-entry-submit");
        browser.until(SHORT, d -> row("networkAcls", aclId).contains("in 100 allow tcp 22 from 10.0.0.0/16"));

        browser.click("associate-" + aclId);
        waitForDialog("acl-associate");
        assertThat(browser.text("acl-associate-choice"))
                .as("only the ACL's VPC's subnets are offered")
                .contains("globex-")
                .doesNotContain("acme-");
        browser.choose("acl-associate-choice", "globex-web");
        browser.screenshot("ui-network-acl-associate");
        browser.click("acl-associate-submit");
        String subnetId = browser.until(SHORT, d -> {
            String text = row("networkAcls", aclId);
            int at = text.indexOf("subnet-");
            return at < 0 ? null : text.substring(at).split("\\s")[0];
        });
        assertThat(new SubnetsApi(admin()).getSubnet(subnetId).getName()).isEqualTo("globex-web");
        NetworkAcl acl = new NetworkAclsApi(admin()).getNetworkAcl(aclId);
        assertThat(acl.getSubnetIds()).containsExactly(subnetId);
        assertThat(acl.getEntries()).anySatisfy(e -> {
            assertThat(e.getRuleNumber()).isEqualTo(100);
            assertThat(e.getRuleAction().getValue()).isEqualTo("allow");
            assertThat(e.getFromPort()).isEqualTo(22);
        });

        browser.click("delete-entry-" + aclId);
        waitForDialog("acl-delete");
        browser.choose("acl-delete-choice", "in 100 allow");
        browser.click("acl-delete-submit");
        browser.until(SHORT, d -> !row("networkAcls", aclId).contains("in 100 allow"));
        assertThat(new NetworkAclsApi(admin()).getNetworkAcl(aclId).getEntries())
                .noneSatisfy(e -> assertThat(e.getRuleNumber()).isEqualTo(100));
    }

    private ApiClient admin() {
        return TestServers.client("http://localhost:" + port, ADMIN_TOKEN);
    }

    private List<String> groupsOf(String instanceId) {
        try {
            return groups().getInstanceSecurityGroups(instanceId).getSecurityGroupIds();
        } catch (io.vpclab.client.ApiException e) {
            throw new IllegalStateException(e);
        }
    }

    private SecurityGroupsApi groups() {
        return new SecurityGroupsApi(admin());
    }

    private void showList(String kind) {
        browser.screen("resources");
        browser.click("tab-" + kind);
        browser.until(SHORT, d -> kind.equals(browser.attribute("resource-panel", "data-kind")));
    }

    private void waitForDialog(String id) {
        browser.until(Duration.ofSeconds(5), d -> d.findElement(By.id(id)).isDisplayed());
    }

    /** The text of an element once it is shown, else null (to wait on). */
    private String shownText(String id) {
        WebElement element = browser.driver.findElement(By.id(id));
        return element.isDisplayed() ? element.getText() : null;
    }

    private List<String> rows(String kind) {
        return browser.driver.findElements(By.cssSelector("#list-" + kind + " tbody tr[data-id]")).stream()
                .map(r -> r.getDomAttribute("data-id"))
                .toList();
    }

    /** The id of a row that was not in {@code before} and whose text contains {@code text}, once it shows. */
    private String newRow(String kind, List<String> before, String text) {
        return browser.until(
                SHORT,
                d -> rows(kind).stream()
                        .filter(id -> !before.contains(id) && row(kind, id).contains(text))
                        .findFirst()
                        .orElse(null));
    }

    private String row(String kind, String id) {
        return browser.driver
                .findElement(By.cssSelector("#list-" + kind + " tr[data-id='" + id + "']"))
                .getText();
    }

    private String rowIdContaining(String kind, String text) {
        return browser.until(
                SHORT,
                d -> d.findElements(By.cssSelector("#list-" + kind + " tbody tr[data-id]")).stream()
                        .filter(r -> r.getText().contains(text))
                        .map(r -> r.getDomAttribute("data-id"))
                        .findFirst()
                        .orElse(null));
    }
}
