package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiClient;
import io.vpclab.client.api.FlowLogsApi;
import io.vpclab.client.model.FlowLog;
import io.vpclab.client.model.FlowLogAction;
import io.vpclab.client.model.FlowLogRecord;
import io.vpclab.controlplane.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The Flow logs screen against the demo in headless Chromium: a flow log made in the page gets the
 * demo agents' records of a ping made in the page, shown in the table, filtered, and downloaded.
 */
class UiFlowLogsTest extends UiDemoSupport {

    private static final Duration SHORT = Duration.ofSeconds(10);
    /** The agents send records once the 10 s interval has passed. */
    private static final Duration RECORDS = Duration.ofSeconds(60);

    @Test
    void aFlowLogMadeInThePageShowsThePingsRecordsAndDownloadsThem() throws Exception {
        browser.until(DEMO_BUILT, d -> count("node.instance") >= 6);
        browser.screen("flowlogs");
        browser.choose("fl-resource", "VPC acme-vpc");
        browser.choose("fl-traffic", "ALL");
        browser.type("fl-interval", "10");
        browser.click("fl-create");
        String flowLogId = browser.until(SHORT, d -> {
            String status = browser.text("fl-status");
            return status.startsWith("Flow log fl-") ? status.split(" ")[2] : null;
        });
        FlowLog flowLog = flowLogs().getFlowLog(flowLogId);
        assertThat(flowLog.getMaxAggregationInterval()).isEqualTo(10);
        assertThat(flowLog.getResourceType()).isEqualTo(FlowLog.ResourceTypeEnum.VPC);
        browser.until(SHORT, d -> browser.text("flow-logs").contains(flowLogId));

        browser.screen("diagnostics");
        browser.choose("diag-source", "acme-web-1 ");
        browser.choose("diag-target", "acme-db-1 ");
        browser.until(DEMO_BUILT, d -> "answered".equals(ping()));

        browser.screen("flowlogs");
        browser.choose("fl-chosen", flowLogId);
        browser.choose("fl-filter-interface", "acme-db-1 ");
        // The row's text, not the row: a click's answer can arrive after the wait and redraw the table.
        String echo = browser.until(RECORDS, d -> {
            browser.click("fl-show");
            return d.findElements(By.cssSelector("#fl-record-table tbody tr[data-action='ACCEPT']")).stream()
                    .map(WebElement::getText)
                    .filter(text -> text.contains(" icmp "))
                    .findFirst()
                    .orElse(null);
        });
        browser.screenshot("ui-flow-log-records");
        assertThat(echo).startsWith("acme-db-1 ");
        List<FlowLogRecord> atDb = flowLogs()
                .listFlowLogRecords(flowLogId, null, null, null, FlowLogAction.ACCEPT, null, null, 1000, null)
                .getItems()
                .stream()
                .filter(r -> r.getProtocol() == 1 && echo.contains(r.getSrcaddr() + " " + r.getDstaddr()))
                .toList();
        assertThat(atDb).as("the row is a record the API holds").isNotEmpty();
        assertThat(atDb.get(0).getPackets()).isPositive();

        browser.choose("fl-filter-action", "REJECT");
        browser.click("fl-show");
        browser.until(
                SHORT,
                d -> !d.findElements(By.id("fl-empty")).isEmpty()
                        || d.findElements(By.cssSelector("#fl-record-table tbody tr")).stream()
                                .allMatch(row -> "REJECT".equals(row.getDomAttribute("data-action"))));
        assertThat(browser.driver.findElements(By.cssSelector("#fl-record-table tbody tr[data-action='ACCEPT']")))
                .as("the action filter leaves no ACCEPT row")
                .isEmpty();
        assertThat(browser.attribute("fl-previous", "disabled"))
                .as("the first page")
                .isNotNull();

        browser.click("fl-download-" + flowLogId);
        Path file = browser.downloaded(flowLogId + ".log", SHORT);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo(io.vpclab.net.FlowLogRecord.HEADER);
        assertThat(lines).anySatisfy(line -> assertThat(line).contains(" 1 ").endsWith(" ACCEPT OK"));

        browser.click("fl-delete-" + flowLogId);
        browser.until(SHORT, d -> !browser.text("flow-logs").contains(flowLogId));
        assertThat(flowLogs().listFlowLogs(null, null, null).getItems())
                .extracting(FlowLog::getId)
                .doesNotContain(flowLogId);
    }

    private FlowLogsApi flowLogs() {
        return new FlowLogsApi(admin());
    }

    private ApiClient admin() {
        return TestServers.client("http://localhost:" + port, ADMIN_TOKEN);
    }
}
