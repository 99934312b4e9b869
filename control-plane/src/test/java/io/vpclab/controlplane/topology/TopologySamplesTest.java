package io.vpclab.controlplane.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.client.ApiClient;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InternetHostsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.model.ExpectationResult;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostStatus;
import io.vpclab.client.model.InternetHost;
import io.vpclab.client.model.Tenant;
import io.vpclab.client.model.TopologyReport;
import io.vpclab.controlplane.TestServers;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import io.vpclab.topology.Topology;
import io.vpclab.topology.TopologyParser;
import io.vpclab.topology.apply.ReportText;
import io.vpclab.topology.apply.TopologyApplier;
import io.vpclab.topology.apply.TopologyDestroyer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every sample in topology-samples/, applied to the demo server (three in-process agents, real
 * packets between simulated instances) through the REST API: every expectation must be met, a
 * second apply must change nothing and meet them again, and destroy must then remove all of it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class TopologySamplesTest {

    static final String ADMIN_TOKEN = "samples-admin-" + UUID.randomUUID();
    static final Path SAMPLES = Path.of("..", "topology-samples");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.demo.enabled", () -> "true");
        registry.add("vpclab.demo.port", () -> FreeUdpPorts.consecutive(1));
        registry.add("vpclab.admin-token", () -> ADMIN_TOKEN);
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "samples-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
    }

    @LocalServerPort
    int port;

    static Stream<Path> samples() throws Exception {
        try (Stream<Path> dirs = Files.list(SAMPLES)) {
            // -Dvpclab.samples=a,b runs only those samples (a developer's shortcut; CI runs them all)
            String only = System.getProperty("vpclab.samples", "");
            List<Path> files = dirs.filter(d -> only.isBlank()
                            || List.of(only.split(",")).contains(d.getFileName().toString()))
                    .map(d -> d.resolve("topology.yaml"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
            assertThat(files).as("samples under " + SAMPLES.toAbsolutePath()).isNotEmpty();
            return files.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyExpectationIsMetTwice(Path file) throws Exception {
        ApiClient admin = TestServers.client("http://127.0.0.1:" + port, ADMIN_TOKEN);
        awaitDemoHosts(admin);
        Topology topology = TopologyParser.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        TopologyApplier applier = new TopologyApplier(admin, TopologyApplier.Options.defaults());

        TopologyReport first = applier.apply(topology);
        assertThat(first.getExpectations())
                .as(ReportText.render(first))
                .isNotEmpty()
                .allMatch(ExpectationResult::getMet);
        assertThat(first.getAllMet()).isTrue();

        // where a whitelist decides, the report names it with its rules
        first.getExpectations().stream()
                .filter(e -> topology.name().equals("eip-ingress-whitelist")
                        && e.getTo().startsWith("eip:"))
                .forEach(e -> assertThat(e.getDetail())
                        .startsWith("ingress whitelist of ")
                        .contains("http-in: tcp 203.0.113.0/24 80-80"));
        first.getExpectations().stream()
                .filter(e -> topology.name().equals("nat-egress-whitelist"))
                .forEach(e -> assertThat(e.getDetail())
                        .startsWith("egress whitelist of nat-")
                        .contains("db-egress: tcp 198.51.100.10/32 443-443"));
        // the route the report names: an instance's elastic IP is its own, not its subnet's
        first.getExpectations().stream()
                .filter(e -> topology.name().equals("nat-gateway") && e.getTo().equals("web"))
                .filter(e -> !e.getFrom().equals("peer-app")) // another VPC: no route to the internet at all
                .forEach(e -> assertThat(e.getRoute())
                        .as(e.getFrom())
                        .startsWith(
                                e.getFrom().equals("bastion")
                                        ? "elastic IP eipalloc-"
                                        : "0.0.0.0/0 -> nat-gateway nat-"));
        // a route table sends the protected subnet through the appliance; a /32 blackhole beats it
        first.getExpectations().stream()
                .filter(e -> topology.name().equals("firewall-appliance")
                        && e.getFrom().startsWith("app-"))
                .filter(e -> e.getTo().startsWith("fw-"))
                .forEach(e -> assertThat(e.getRoute())
                        .startsWith(
                                e.getTo().equals("fw-dns")
                                        ? "198.51.100.31/32 -> blackhole (blackhole)"
                                        : "0.0.0.0/0 -> instance i-"));

        // where the file names the deciding rule, the real probe's counters showed it
        first.getExpectations().stream()
                .filter(e -> e.getExpectedDecidedBy() != null)
                .forEach(e -> assertThat(e.getDecidedBy())
                        .as(e.getFrom() + " -> " + e.getTo() + " " + e.getExpectedDecidedBy())
                        .matches("(counted \\{.+=\\d+.*\\}|SECURITY_GROUP_DENIED counted .+|route .+)"));

        TopologyReport second = applier.apply(topology);
        assertThat(second.getChanges())
                .as("second apply of " + file + ":\n" + ReportText.render(second))
                .isEmpty();
        assertThat(second.getUnchanged()).isPositive();
        assertThat(second.getExpectations()).as(ReportText.render(second)).allMatch(ExpectationResult::getMet);

        // destroy takes all of it, newest first, and a second destroy finds nothing left to do
        TopologyDestroyer.Result destroyed = new TopologyDestroyer(admin).destroy(topology);
        assertThat(destroyed.kept()).as("kept by destroy of " + file).isEmpty();
        assertThat(destroyed.deleted()).extracting(c -> c.getKind()).contains("tenant", "vpc", "subnet", "instance");
        assertThat(new TenantsApi(admin).listTenants(1000, null).getItems())
                .extracting(Tenant::getName)
                .doesNotContainAnyElementsOf(topology.tenants().stream()
                        .map(Topology.TenantDecl::name)
                        .toList());
        TopologyDestroyer.Result again = new TopologyDestroyer(admin).destroy(topology);
        assertThat(again.deleted()).isEmpty();
        assertThat(again.kept()).isEmpty();
    }

    /**
     * decidedBy is checked, not echoed: the acl-deny-subnet sample with expectations whose outcome
     * holds but whose named entry is not the one that decided is not met, and says what the
     * counters showed.
     */
    @Test
    void aDecidedByNamingAnotherRuleThanTheDecidingOneIsNotMet() throws Exception {
        ApiClient admin = TestServers.client("http://127.0.0.1:" + port, ADMIN_TOKEN);
        awaitDemoHosts(admin);
        Path file = SAMPLES.resolve("acl-deny-subnet").resolve("topology.yaml");
        Topology sample = TopologyParser.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        Topology wrong = new Topology(
                sample.name(),
                sample.description(),
                sample.hosts(),
                sample.internetHosts(),
                sample.tenants(),
                sample.peerings(),
                List.of(
                        // SSH comes in by 120, not by the ephemeral-port entry 130
                        new Topology.Expectation(
                                "office-1",
                                "srv-1",
                                "tcp",
                                22,
                                "open",
                                null,
                                new Topology.DecidedBy(null, "servers-acl", "130", "inbound", null, null)),
                        // the lab is denied by 100 before the final deny is reached
                        new Topology.Expectation(
                                "lab-1",
                                "srv-1",
                                "ping",
                                null,
                                "unreachable",
                                null,
                                new Topology.DecidedBy(null, "servers-acl", "32767", null, null, null))),
                List.of());
        try {
            TopologyReport report = new TopologyApplier(admin, TopologyApplier.Options.defaults()).apply(wrong);

            assertThat(report.getAllMet()).isFalse();
            assertThat(report.getExpectations()).as(ReportText.render(report)).allSatisfy(e -> {
                assertThat(e.getObserved()).isEqualTo(e.getExpected());
                assertThat(e.getMet()).isFalse();
                assertThat(e.getDecidedBy()).startsWith("no packets of acl-").contains("counted while the probe ran");
            });
        } finally {
            new TopologyDestroyer(admin).destroy(wrong);
        }
    }

    /**
     * The demo registers its three agents and creates its internet hosts after the server is up;
     * samples place instances on those hosts by name and name those internet hosts.
     */
    static void awaitDemoHosts(ApiClient admin) {
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            List<Host> hosts = new HostsApi(admin).listHosts(100, null).getItems();
            return hosts.stream()
                            .filter(h -> h.getName().startsWith("demo-host-")
                                    && h.getStatus() == HostStatus.CONNECTED
                                    && h.getAppliedGeneration() > 0)
                            .count()
                    == 3;
        });
        await().atMost(Duration.ofSeconds(90))
                .until(() -> new InternetHostsApi(admin)
                        .listInternetHosts(100, null).getItems().stream()
                                .map(InternetHost::getName)
                                .toList()
                                .containsAll(List.of("web", "dns")));
    }
}
