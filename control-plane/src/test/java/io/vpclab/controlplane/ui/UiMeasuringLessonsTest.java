package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;

/**
 * The lessons that measure, run end to end against the demo (three hosts) in headless Chromium:
 * each one's set-up, run and clean-up, with its figures checked for consistency and a screenshot
 * of the lesson with them.
 */
class UiMeasuringLessonsTest extends UiDemoSupport {

    static final Duration RUN = Duration.ofSeconds(180);

    @BeforeAll
    void tallWindow() {
        // a whole lesson in one screenshot: a viewport taller than any lesson
        browser.driver.manage().window().setSize(new Dimension(1400, 3200));
        browser.driver.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                java.util.Map.of("width", 1400, "height", 3200, "deviceScaleFactor", 1, "mobile", false));
        browser.screen("topology");
        browser.until(DEMO_BUILT, d -> count("node.instance") == 6 && count("edge.tunnel") == 3);
        browser.screen("lessons");
    }

    @Test
    void floodingWithoutSuppressionCostsOneCopyPerRemoteVtepPerBroadcast() throws Exception {
        setUp("flooding");
        run("flooding-run", "flooding-result");

        long offCopies = number("flooding-off-copies");
        assertThat(number("flooding-on-copies")).isZero();
        // 4 neighbours on the two other hosts, each first ping one broadcast ARP, copied to 2 remote VTEPs
        assertThat(offCopies).isEqualTo(Long.parseLong(browser.attribute("flooding-off-copies", "data-expected")));
        assertThat(offCopies).isEqualTo(4 * 2);
        long broadcasts = Long.parseLong(browser.attribute("flooding-storm-copies", "data-broadcasts"));
        long vteps = Long.parseLong(browser.attribute("flooding-storm-copies", "data-vteps"));
        assertThat(number("flooding-storm-copies")).isEqualTo(broadcasts * vteps);
        assertThat(number("flooding-storm-on-copies")).isZero();
        // every other port of the segment heard every broadcast of the storm
        assertThat(browser.text("flooding-storm")).contains(": " + broadcasts);
        shoot("lesson-flooding");

        cleanUp("flooding");
    }

    @Test
    void theLargestDfPingIsTheInnerMtuMinus28() throws Exception {
        setUp("mtu");
        run("mtu-run", "mtu-result");

        long largest = number("mtu-largest");
        long innerMtu = number("mtu-inner");
        assertThat(innerMtu).isEqualTo(1500 - 50);
        assertThat(largest).isEqualTo(innerMtu - 28);
        assertThat(browser.text("mtu-steps")).contains("ICMP fragmentation needed from", "mtu 1450");
        assertThat(number("mtu-mss-value")).isEqualTo(innerMtu - 40);
        assertThat(browser.attribute("mtu-frame", "data-outer-ip")).isEqualTo("1500");
        assertThat(browser.text("mtu-labels"))
                .contains("VXLAN, VNI", "ping data")
                .contains("outer IPv4, total length " + (innerMtu + 50))
                .contains("inner IPv4, total length " + innerMtu + ", DF");
        shoot("lesson-mtu");

        cleanUp("mtu");
    }

    @Test
    void theVlanLessonShowsTheTunnelOnTheWireAndTheTagATrunkWouldCarry() throws Exception {
        setUp("vlanwire");
        run("vlanwire-run", "vlanwire-result");

        assertThat(browser.attribute("vlanwire-truth", "data-overhead")).isEqualTo("50");
        assertThat(browser.text("vlanwire-truth")).contains("VXLAN VNI", "VXLAN mode");
        int vni = Integer.parseInt(browser.attribute("vlanwire-truth", "data-vni"));
        if (vni <= 4094) { // the tag carries the segment ID as its 12-bit VID
            assertThat(browser.attribute("vlanwire-tagged", "data-tag"))
                    .isEqualTo(String.format("81 00 %02x %02x", (vni >> 8) & 0x0f, vni & 0xff));
        } else {
            assertThat(browser.attribute("vlanwire-tagged", "data-tag")).isEmpty();
        }
        shoot("lesson-vlanwire");

        cleanUp("vlanwire");
    }

    private void setUp(String lesson) {
        browser.script("document.getElementById('lesson-" + lesson + "').scrollIntoView()");
        browser.click(lesson + "-setup");
        browser.until(
                RUN, d -> "true".equals(d.findElement(By.id(lesson + "-status")).getDomAttribute("data-done")));
        assertThat(browser.text(lesson + "-status")).startsWith("Created lesson-");
    }

    private void run(String button, String result) {
        browser.click(button);
        browser.until(RUN, d -> "true".equals(d.findElement(By.id(result)).getDomAttribute("data-done")));
        assertThat(browser.text(result)).doesNotStartWith("Could not");
    }

    private void cleanUp(String lesson) {
        browser.click(lesson + "-clean");
        browser.until(
                RUN, d -> "true".equals(d.findElement(By.id(lesson + "-status")).getDomAttribute("data-done")));
        assertThat(browser.text(lesson + "-status")).matches("Removed [1-9]\\d* lesson-\\S+ tenant\\(s\\).*");
    }

    private long number(String id) {
        return Long.parseLong(browser.text(id).trim());
    }

    /** The lesson's section only, with its figures, into target/screenshots. */
    private void shoot(String lesson) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        browser.script("document.getElementById('" + lesson + "').scrollIntoView()");
        byte[] png = browser.driver.findElement(By.id(lesson)).getScreenshotAs(OutputType.BYTES);
        Files.write(dir.resolve(lesson + ".png"), png);
    }
}
