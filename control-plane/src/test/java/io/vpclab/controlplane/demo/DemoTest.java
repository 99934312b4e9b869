package io.vpclab.controlplane.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** README's first command, as a test: three in-process agents, two tenants on one CIDR, real pings. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class DemoTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.demo.enabled", () -> "true");
        registry.add("vpclab.demo.base-port", () -> FreeUdpPorts.consecutive(3));
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "demo-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
    }

    @Autowired
    DemoRunner demo;

    @Test
    void eachTenantReachesItsOwnInstancesAndNeverTheOthers() throws Exception {
        ReachabilityMatrix matrix = demo.matrix().get(120, TimeUnit.SECONDS);

        assertThat(matrix.allAsExpected()).as(matrix.render()).isTrue();
        assertThat(matrix.cells()).hasSize(30);
        assertThat(cell(matrix, "acme-web-1", "acme-db-1").answered()).isTrue();
        assertThat(cell(matrix, "globex-web-2", "globex-db-1").answered()).isTrue();
        ReachabilityMatrix.Cell acrossTenants = cell(matrix, "acme-web-1", "globex-web-2");
        assertThat(acrossTenants.answered()).isFalse();
        assertThat(acrossTenants.result().getDropReasons()).containsKey("ARP_UNKNOWN_BINDING");
        assertThat(cell(matrix, "acme-web-2", "globex-web-1").expected())
                .isEqualTo(ReachabilityMatrix.Expectation.OWN_ADDRESS);
        assertThat(demo.agents()).hasSize(3).allMatch(a -> a.appliedGeneration() > 0);
    }

    private static ReachabilityMatrix.Cell cell(ReachabilityMatrix matrix, String from, String to) {
        return matrix.cells().stream()
                .filter(c -> c.from().getName().equals(from) && c.to().getName().equals(to))
                .findFirst()
                .orElseThrow();
    }
}
