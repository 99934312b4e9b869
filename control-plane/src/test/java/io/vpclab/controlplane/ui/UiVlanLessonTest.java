package io.vpclab.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Segmentation;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.SubnetList;
import io.vpclab.client.model.Tenant;
import io.vpclab.client.model.Vpc;
import io.vpclab.controlplane.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The VLAN vs VXLAN lesson against a server in VLAN mode: the page hits the 4094 ceiling live,
 * and the REST API shows what it did: 4094 subnets holding VLAN IDs 1..4094 once each, the next
 * refused with SegmentIdsExhausted, and a released ID handed out again. (One 4094-subnet fill
 * serves both the page and the API checks: each fill costs minutes of CI.)
 */
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
            // the page's pollers, held while the lesson ran, run again: the network snapshot counts the subnets
            browser.until(
                    Duration.ofSeconds(60),
                    d -> String.valueOf(browser.script(
                                            "return document.getElementById('topology-summary').textContent"))
                                    .contains(" 4094 subnets,")
                            ? true
                            : null);
            theApiShowsEachVlanIdOnceAndReusesAReleasedOne();

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

    private void theApiShowsEachVlanIdOnceAndReusesAReleasedOne() throws ApiException {
        ApiClient admin = TestServers.client("http://localhost:" + port, ADMIN_TOKEN);
        Tenant lesson = new TenantsApi(admin)
                .listTenants(1000, null).getItems().stream()
                        .filter(tenant -> tenant.getName().startsWith("lesson-"))
                        .findFirst()
                        .orElseThrow();
        // four requests in flight: the ones racing the refusal may have opened the lesson's second VPC
        SubnetsApi subnets = new SubnetsApi(admin);
        List<Subnet> all = new ArrayList<>();
        for (Vpc vpc :
                new VpcsApi(admin).listVpcs(lesson.getTenantId(), 100, null).getItems()) {
            String next = null;
            do {
                SubnetList page = subnets.listSubnets(vpc.getVpcId(), 1000, next);
                all.addAll(page.getItems());
                next = page.getNextToken();
            } while (next != null);
        }

        BitSet vlanIds = new BitSet();
        for (Subnet subnet : all) {
            assertThat(subnet.getSegmentation()).isEqualTo(Segmentation.VLAN);
            assertThat(vlanIds.get(subnet.getSegmentId()))
                    .as("VLAN %d handed out twice", subnet.getSegmentId())
                    .isFalse();
            vlanIds.set(subnet.getSegmentId());
        }
        assertThat(vlanIds.cardinality()).isEqualTo(4094);
        assertThat(vlanIds.nextSetBit(0)).isEqualTo(1);
        assertThat(vlanIds.length() - 1).isEqualTo(4094);

        // Releasing one subnet frees its VLAN ID for the next one; then the space is full again.
        Subnet released = all.get(all.size() / 2);
        subnets.deleteSubnet(released.getSubnetId());
        Subnet again = subnets.createSubnet(
                new SubnetCreate().vpcId(released.getVpcId()).cidrBlock(released.getCidrBlock()));
        assertThat(again.getSegmentId()).isEqualTo(released.getSegmentId());
        String free = freeSlash28(all, released);
        assertThatThrownBy(() -> subnets.createSubnet(
                        new SubnetCreate().vpcId(released.getVpcId()).cidrBlock(free)))
                .isInstanceOfSatisfying(ApiException.class, refused -> {
                    assertThat(refused.getCode()).isEqualTo(409);
                    assertThat(refused.getResponseBody()).contains("SegmentIdsExhausted");
                });
    }

    /** A /28 inside {@code of}'s VPC block that none of {@code subnets} holds. */
    private static String freeSlash28(List<Subnet> subnets, Subnet of) {
        Set<String> taken = subnets.stream()
                .filter(subnet -> subnet.getVpcId().equals(of.getVpcId()))
                .map(Subnet::getCidrBlock)
                .collect(Collectors.toSet());
        String[] octets = of.getCidrBlock().split("\\.");
        for (int n = 0; n < 4096; n++) {
            String cidr = octets[0] + "." + octets[1] + "." + (n >> 4) + "." + (n & 15) * 16 + "/28";
            if (!taken.contains(cidr)) {
                return cidr;
            }
        }
        throw new AssertionError("the lesson's VPC has no free /28");
    }
}
