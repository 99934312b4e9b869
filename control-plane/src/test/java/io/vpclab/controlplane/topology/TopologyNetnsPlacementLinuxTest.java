package io.vpclab.controlplane.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.agent.linux.Lab;
import io.vpclab.client.ApiClient;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.model.ExpectationResult;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.TopologyReport;
import io.vpclab.controlplane.TestServers;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import io.vpclab.topology.Topology;
import io.vpclab.topology.TopologyParser;
import io.vpclab.topology.apply.ReportText;
import io.vpclab.topology.apply.TopologyApplier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * --instance-kind netns on a lab whose hosts are not the demo's: the sample's pins to demo-host-N
 * give way to placement on the hosts that run netns, and an expected open port where nothing
 * listens in the namespace says so. Root on Linux (skipped otherwise, with the reason).
 */
class TopologyNetnsPlacementLinuxTest {

    private ConfigurableApplicationContext server;
    private final List<FollowAgent> agents = new ArrayList<>();
    private ApiClient admin;

    @AfterEach
    void stop() throws Exception {
        List<String> namespaces = new ArrayList<>();
        if (admin != null) {
            for (Instance instance : new InstancesApi(admin)
                    .listInstances(null, null, null, 1000, null)
                    .getItems()) {
                namespaces.add("vl-" + instance.getInstanceId());
                new InstancesApi(admin).terminateInstance(instance.getInstanceId());
            }
        }
        agents.forEach(FollowAgent::close);
        namespaces.forEach(ns -> Lab.tryRun("ip", "netns", "del", ns));
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pinsToDemoHostsGiveWayAndAClosedPortSaysNothingListens() throws Exception {
        Lab.assumeLinuxRootWith("ip", "ping", "timeout", "bash");
        String token = "netns-placement-" + UUID.randomUUID();
        server = TestServers.start(
                Path.of("target", "test-data", "netns-placement-" + UUID.randomUUID()),
                "--vpclab.admin-token=" + token);
        admin = TestServers.client(server, token);
        java.net.URI uri = java.net.URI.create(
                "http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port"));
        int udpBase = FreeUdpPorts.consecutive(2);
        Path state = Files.createTempDirectory("netns-placement-agents");
        for (int i = 1; i <= 2; i++) {
            String name = "lab-" + UUID.randomUUID().toString().substring(0, 8);
            agents.add(FollowAgent.start(FollowAgent.Options.builder(
                            uri, token, name, "127.0.0.1", udpBase + i - 1, state.resolve(name + ".properties"))
                    .capabilities(List.of(InstanceKind.SIMULATED, InstanceKind.NETNS))
                    .build()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> agents.stream().allMatch(a -> a.appliedGeneration() >= 0));
        Path file = Path.of("..", "topology-samples", "tenant-isolation", "topology.yaml");
        Topology sample = TopologyParser.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        // the sample's red-web pair and its TCP expectations: port 80 is expected open, nothing listens in netns
        Topology topology = new Topology(
                sample.name(),
                sample.description(),
                sample.hosts(),
                sample.internetHosts(),
                sample.tenants(),
                sample.peerings(),
                sample.expect().stream()
                        .filter(e -> e.from().equals("red-1") && e.to().equals("red-2")
                                || e.from().equals("red-db-1") && e.probe().equals("tcp"))
                        .toList(),
                List.of());

        TopologyReport report = new TopologyApplier(
                        admin, new TopologyApplier.Options(InstanceKind.NETNS, Duration.ofSeconds(60)))
                .apply(topology);

        List<String> agentHosts = agents.stream().map(FollowAgent::hostId).toList();
        assertThat(new InstancesApi(admin)
                        .listInstances(null, null, null, 1000, null)
                        .getItems())
                .hasSize(5)
                .allSatisfy(i -> {
                    assertThat(i.getKind()).isEqualTo(InstanceKind.NETNS);
                    assertThat(i.getHostId()).isIn(agentHosts);
                });
        ExpectationResult ping = result(report, "red-2", "ping", null);
        assertThat(ping.getMet()).as(ReportText.render(report)).isTrue();
        ExpectationResult open = result(report, "red-2", "tcp", 80);
        assertThat(open.getMet()).isFalse();
        assertThat(open.getObserved()).isEqualTo("closed");
        assertThat(open.getDetail()).startsWith("nothing listens on tcp port 80 in netns instance red-2");
        ExpectationResult closed = result(report, "red-2", "tcp", 8080);
        assertThat(closed.getMet()).as("expected closed, found closed: no note").isTrue();
        assertThat(String.valueOf(closed.getDetail())).doesNotContain("nothing listens");
    }

    private static ExpectationResult result(TopologyReport report, String to, String probe, Integer port) {
        return report.getExpectations().stream()
                .filter(r -> r.getTo().equals(to)
                        && r.getProbe().getValue().equals(probe)
                        && java.util.Objects.equals(r.getPort(), port))
                .findFirst()
                .orElseThrow();
    }
}
