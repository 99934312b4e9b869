package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import io.vpclab.agent.linux.Lab;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The reactor lesson end to end against the demo with its four netns-capable hosts (root only):
 * set up, iperf3 on the plain and the fast path, figures from the agents' I/O counters, clean-up.
 */
class UiReactorLessonTest extends UiDemoSupport {

    @DynamicPropertySource
    static void reactorHosts(DynamicPropertyRegistry registry) {
        registry.add("vpclab.demo.reactor-hosts", () -> "true");
    }

    private ResourceLeakDetector.Level leakDetection;

    /**
     * Needs root; and measures with Netty's leak detection off, as an agent runs: the tests'
     * paranoid level records a stack trace at every buffer access and slows the loops many times.
     */
    @BeforeAll
    void needsRootAndMeasuresWithoutLeakDetection() {
        Lab.assumeLinuxRootWith("ip", "iperf3", "ping");
        leakDetection = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @AfterAll
    void leakDetectionBack() {
        if (leakDetection != null) {
            ResourceLeakDetector.setLevel(leakDetection);
        }
    }

    @Test
    void theFastPathNeedsFewerSystemCallsPerPacketThanThePlainPath() throws Exception {
        awaitHostRegistered("demo-fast-2");
        browser.screen("lessons");
        browser.script("document.getElementById('lesson-reactor').scrollIntoView()");
        browser.click("reactor-setup");
        browser.until(Duration.ofMinutes(2), d -> browser.text("reactor-status").startsWith("Created tenant"));

        browser.click("reactor-run");
        browser.until(
                Duration.ofMinutes(3),
                d -> !d.findElements(By.id("reactor-verdict")).isEmpty());
        browser.script("document.getElementById('reactor-figures').scrollIntoView()");
        browser.screenshot("ui-lesson-reactor");

        double plain = Double.parseDouble(browser.attribute("reactor-verdict", "data-plain"));
        double fast = Double.parseDouble(browser.attribute("reactor-verdict", "data-fast"));
        assertThat(Long.parseLong(browser.attribute("reactor-verdict", "data-plain-packets")))
                .as("iperf3 moved packets on the plain path")
                .isGreaterThan(100);
        assertThat(Long.parseLong(browser.attribute("reactor-verdict", "data-fast-packets")))
                .as("iperf3 moved packets on the fast path")
                .isGreaterThan(100);
        assertThat(fast)
                .as("system calls per packet, fast against plain")
                .isPositive()
                .isLessThan(plain);
        assertThat(browser.text("reactor-verdict")).startsWith("The fast path needed");

        browser.click("reactor-cleanup");
        browser.until(Duration.ofMinutes(1), d -> browser.text("reactor-status").startsWith("Removed the lab tenant"));
    }
}
