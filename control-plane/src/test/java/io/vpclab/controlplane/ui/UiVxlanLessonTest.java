package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same lesson against a server in VXLAN mode: the page allocates past 4094 segments with no refusal. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UiVxlanLessonTest {

    static final String ADMIN_TOKEN = "ui-vxlan-admin-" + UUID.randomUUID();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.admin-token", () -> ADMIN_TOKEN);
        registry.add("vpclab.segmentation", () -> "vxlan");
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "ui-vxlan-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
    }

    @LocalServerPort
    int port;

    @Test
    void theLessonAllocatesPastTheVlanCeiling() throws Exception {
        try (Browser browser = Browser.open()) {
            browser.signIn(port, ADMIN_TOKEN);
            browser.runSegmentLesson("ui-lesson-vxlan-past-4094");

            assertThat(browser.attribute("vlan-verdict", "data-result")).isEqualTo("not-refused");
            assertThat(browser.attribute("vlan-verdict", "data-mode")).isEqualTo("vxlan");
            assertThat(Integer.parseInt(browser.attribute("vlan-verdict", "data-highest")))
                    .isGreaterThan(4094);
            assertThat(browser.text("vlan-progress")).startsWith("VXLAN mode: 4294 subnets created");
            assertThat(browser.text("vlan-verdict")).startsWith("VXLAN mode went past 4094 segments with no refusal");
        }
    }
}
