package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The live-migration lesson end to end against the demo: a pinged instance moves host and keeps its address. */
class UiMigrationLessonTest extends UiDemoSupport {

    @Test
    void theMovedInstanceKeepsItsAddressAndEveryHostPointsItsMacAtTheNewHost() throws Exception {
        awaitHostRegistered("demo-host-3");
        browser.screen("lessons");
        browser.script("document.getElementById('lesson-migration').scrollIntoView()");
        browser.click("migration-setup");
        browser.until(
                Duration.ofMinutes(1), d -> browser.text("migration-status").startsWith("Created tenant"));
        String status = browser.text("migration-status");

        browser.click("migration-run");
        browser.until(
                Duration.ofMinutes(2),
                d -> !d.findElements(By.id("migration-verdict")).isEmpty());
        browser.script("document.getElementById('migration-figures').scrollIntoView()");
        browser.screenshot("ui-lesson-migration");

        assertThat(browser.attribute("migration-verdict", "data-address-kept")).isEqualTo("true");
        assertThat(Integer.parseInt(browser.attribute("migration-verdict", "data-sent")))
                .isEqualTo(40);
        int lost = Integer.parseInt(browser.attribute("migration-verdict", "data-lost"));
        assertThat(lost).as("pings lost during the move").isLessThan(40);
        List<WebElement> marks = browser.driver.findElements(By.cssSelector("#migration-sequence span"));
        assertThat(marks).hasSize(40);
        assertThat(marks.get(39).getDomAttribute("class"))
                .as("the last ping, after convergence, is answered from the new host")
                .isEqualTo("ok");
        assertThat(Long.parseLong(browser.attribute("migration-verdict", "data-convergence-millis")))
                .isPositive();

        // before: the old host holds the port and the pinger's host points at it; after: the new host holds it
        String from = status.replaceAll("(?s).* on (demo-host-\\d), pinger.*", "$1");
        String pinger = status.replaceAll("(?s).*pinger on (demo-host-\\d).*", "$1");
        String to = status.replaceAll("(?s).*the move goes to (demo-host-\\d).*", "$1");
        assertThat(cell(from, "before")).isEqualTo("local port");
        assertThat(cell(pinger, "before")).isEqualTo("behind VTEP " + from);
        assertThat(cell(to, "after")).isEqualTo("local port");
        assertThat(cell(pinger, "after")).isEqualTo("behind VTEP " + to);

        browser.click("migration-cleanup");
        browser.until(
                Duration.ofMinutes(1), d -> browser.text("migration-status").startsWith("Removed the lesson tenant"));
    }

    private String cell(String host, String when) {
        return browser.driver
                .findElement(
                        By.cssSelector("#migration-macs tr[data-host='" + host + "'] td[data-when='" + when + "']"))
                .getText();
    }
}
