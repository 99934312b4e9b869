package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.model.Tenant;
import io.vpclab.controlplane.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The VLAN vs VXLAN lesson against a server in VLAN mode: the page hits the 4094 ceiling live. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UiVlanLessonTest {

    static final String ADMIN_TOKEN = "ui-vlan-admin-" + UUID.randomUUID();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.admin-token", () -> ADMIN_TOKEN);
        registry.add("vpclab.segmentation", () -> "vlan");
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "ui-vlan-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
    }

    @LocalServerPort
    int port;

    @Test
    void theLessonCreatesSegmentsUntilTheControlPlaneRefusesThe4095th() throws Exception {
        try (Browser browser = Browser.open()) {
            browser.signIn(port, ADMIN_TOKEN);
            browser.runSegmentLesson("ui-lesson-vlan-4094");

            assertThat(browser.attribute("vlan-verdict", "data-result")).isEqualTo("refused");
            assertThat(browser.attribute("vlan-verdict", "data-mode")).isEqualTo("vlan");
            assertThat(browser.attribute("vlan-verdict", "data-code")).isEqualTo("SegmentIdsExhausted");
            assertThat(browser.attribute("vlan-verdict", "data-highest")).isEqualTo("4094");
            assertThat(browser.text("vlan-progress")).startsWith("VLAN mode: 4094 subnets created");
            assertThat(browser.text("vlan-verdict")).contains("code SegmentIdsExhausted, HTTP 409");

            // The clean-up button takes every lesson tenant with all it holds (cascade), so the run can repeat.
            browser.click("vlan-clean");
            browser.until(
                    Duration.ofMinutes(5), d -> browser.text("vlan-progress").startsWith("Removed") ? true : null);
            assertThat(browser.text("vlan-progress")).startsWith("Removed 1 lesson tenants");
            assertThat(new TenantsApi(TestServers.client("http://localhost:" + port, ADMIN_TOKEN))
                            .listTenants(1000, null)
                            .getItems())
                    .extracting(Tenant::getName)
                    .noneMatch(name -> name.startsWith("lesson-"));
        }
    }
}
