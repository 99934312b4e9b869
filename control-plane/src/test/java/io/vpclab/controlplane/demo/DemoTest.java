package io.vpclab.controlplane.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.controlplane.host.Host;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.topology.cli.ReachabilityMatrix;
import java.nio.file.Path;
import java.util.List;
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

    static final int UNDERLAY_PORT = FreeUdpPorts.consecutive(1);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.demo.enabled", () -> "true");
        registry.add("vpclab.demo.port", () -> UNDERLAY_PORT);
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "demo-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
    }

    @Autowired
    DemoRunner demo;

    @Autowired
    HostService hosts;

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
        // an underlay that looks like one: a loopback address per agent, one port for all
        List<Host> demoHosts = hosts.list(Caller.admin(), PageRequest.of(100, null)).items().stream()
                .filter(h -> h.name().startsWith("demo-host-"))
                .toList();
        assertThat(demoHosts)
                .extracting(Host::underlayIp)
                .containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2", "127.0.0.3");
        assertThat(demoHosts).extracting(Host::udpPort).containsOnly(UNDERLAY_PORT);
    }

    private static ReachabilityMatrix.Cell cell(ReachabilityMatrix matrix, String from, String to) {
        return matrix.cells().stream()
                .filter(c -> c.from().getName().equals(from) && c.to().getName().equals(to))
                .findFirst()
                .orElseThrow();
    }
}
