package io.vpclab.controlplane.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.agent.linux.Lab;
import io.vpclab.client.ApiClient;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.InternetHostsApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.model.ExpectationResult;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.InternetHostCreate;
import io.vpclab.client.model.InternetHostKind;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The peering and NAT gateway samples with every instance a network namespace (root): the applier's
 * {@code --instance-kind netns} override on three in-process agents named like the demo's hosts
 * that can run netns instances. The samples' pings go through the namespaces' Linux stacks; the
 * TCP and UDP expectations name the simulated hosts' services (22/80/443, UDP echo 7), which a
 * bare namespace does not run, so TCP is proven instead with iperf3 between two namespaces
 * across the peering, and curl from a private namespace fetches a page from a namespace internet
 * host through the NAT gateway.
 */
class TopologyNetnsSamplesLinuxTest {

    static final String ADMIN_TOKEN = "netns-samples-" + UUID.randomUUID();
    static final Path SAMPLES = Path.of("..", "topology-samples");
    static final String NETNS_WEB_IP = "198.51.100.90";
    /** curl's exit code for a timeout (a refused connection is 7). */
    static final int CURL_TIMED_OUT = 28;

    static ConfigurableApplicationContext server;
    static final List<FollowAgent> agents = new ArrayList<>();
    static ApiClient admin;

    @BeforeAll
    static void lab() throws Exception {
        Lab.assumeLinuxRootWith("ip", "ping", "iperf3", "timeout");
        server = TestServers.start(
                Path.of("target", "test-data", "netns-samples-" + UUID.randomUUID()),
                "--vpclab.admin-token=" + ADMIN_TOKEN);
        admin = TestServers.client(server, ADMIN_TOKEN);
        java.net.URI uri = java.net.URI.create(
                "http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port"));
        int udpBase = FreeUdpPorts.consecutive(3);
        Path state = Files.createTempDirectory("netns-samples-agents");
        for (int i = 1; i <= 3; i++) {
            String name = "demo-host-" + i;
            agents.add(FollowAgent.start(FollowAgent.Options.builder(
                            uri, ADMIN_TOKEN, name, "127.0.0.1", udpBase + i - 1, state.resolve(name + ".properties"))
                    .capabilities(List.of(InstanceKind.SIMULATED, InstanceKind.NETNS))
                    .build()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> agents.stream().allMatch(a -> a.appliedGeneration() >= 0));
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            // every instance of this fresh server is this test's: terminate them, then remove any namespace left behind
            List<Instance> instances = new InstancesApi(admin)
                    .listInstances(null, null, null, 1000, null)
                    .getItems();
            for (Instance instance : instances) {
                new InstancesApi(admin).terminateInstance(instance.getInstanceId());
            }
            agents.forEach(FollowAgent::close);
            instances.forEach(i -> Lab.tryRun("ip", "netns", "del", namespace(i)));
        }
        agents.forEach(FollowAgent::close);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void peeringPingsAndIperf3GoThroughRealLinuxStacks() throws Exception {
        TopologyReport report = applyPingsOnly("peering");

        assertThat(report.getExpectations())
                .as(ReportText.render(report))
                .hasSize(3)
                .allMatch(ExpectationResult::getMet);
        Instance server = instance("pay-vpc", "pay-db-1");
        Instance client = instance("shop-vpc", "shop-app-1");
        assertThat(server.getKind()).isEqualTo(InstanceKind.NETNS);
        Lab.Background iperf = null;
        try (Lab lab = new Lab()) {
            iperf = lab.start(
                    "iperf3-server",
                    List.of("ip", "netns", "exec", namespace(server), "timeout", "30", "iperf3", "-s", "-1"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Lab.tryRun("ip", "netns", "exec", namespace(server), "ss", "-ltn")
                            .contains(":5201"));
            String result = Lab.run(
                    "ip",
                    "netns",
                    "exec",
                    namespace(client),
                    "timeout",
                    "20",
                    "iperf3",
                    "-c",
                    server.getPrivateIpAddress(),
                    "-t",
                    "1",
                    "-J");
            assertThat(result).contains("\"sum_received\"").doesNotContain("\"error\"");
        }
    }

    @Test
    void peeringStaysNonTransitiveBetweenNamespaces() throws Exception {
        TopologyReport report = applyPingsOnly("peering-triangle");

        assertThat(report.getExpectations())
                .as(ReportText.render(report))
                .hasSize(5)
                .allMatch(ExpectationResult::getMet);
        assertThat(instance("vpc-a", "tri-a").getKind()).isEqualTo(InstanceKind.NETNS);
    }

    @Test
    void natGatewaySampleFromNamespacesCurlReachesANamespaceInternetHostAsTheGateway() throws Exception {
        Lab.assumeLinuxRootWith("curl", "python3");
        new InternetHostsApi(admin)
                .createInternetHost(new InternetHostCreate()
                        .name("nweb")
                        .ip(NETNS_WEB_IP)
                        .hostName("demo-host-3")
                        .kind(InternetHostKind.NETNS));
        TopologyReport report = applyPingsOnly("nat-gateway");

        assertThat(report.getExpectations())
                .as(ReportText.render(report))
                .hasSize(4)
                .allMatch(ExpectationResult::getMet);
        Instance db = instance("nat-vpc", "db-1");
        assertThat(db.getKind()).isEqualTo(InstanceKind.NETNS);
        String gatewayIp = new NatGatewaysApi(admin)
                .listNatGateways(db.getVpcId(), 10, null)
                .getItems()
                .get(0)
                .getPublicIp();
        String webNamespace = "vl-inet-nweb";
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(Path.of("/run/netns", webNamespace)));
        try (Lab lab = new Lab()) {
            Lab.Background web = lab.start(
                    "nweb",
                    List.of(
                            "ip",
                            "netns",
                            "exec",
                            webNamespace,
                            "timeout",
                            "60",
                            "python3",
                            "-m",
                            "http.server",
                            "8080",
                            "--bind",
                            NETNS_WEB_IP));
            String[] curl = {
                "ip",
                "netns",
                "exec",
                namespace(db),
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-m",
                "3",
                "http://" + NETNS_WEB_IP + ":8080/"
            };
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Lab.tryRun(curl).strip().equals("200"));
            // the internet host sees the gateway's public address, never the private one
            await().atMost(Duration.ofSeconds(10)).until(() -> web.output().contains(gatewayIp + " - - "));
            assertThat(web.output()).doesNotContain(db.getPrivateIpAddress());
        }
    }

    /**
     * The three-tier sample's security groups, declared in the file, between real Linux stacks: a web
     * server in app-1's namespace answers web-1 on 8080 (the app group's rule) but not on 8081 (no
     * rule: the SYN never arrives, curl times out), nor db-1 on 8080 (not in the web group); iperf3
     * runs from app-1 to db-1 through the db group's 5432 rule, its replies passing as a tracked flow.
     */
    @Test
    void threeTierGroupsFromTheFileHoldBetweenNamespaces() throws Exception {
        Lab.assumeLinuxRootWith("curl", "python3");
        TopologyReport report = applyPingsOnly("three-tier");

        assertThat(report.getExpectations())
                .as(ReportText.render(report))
                .isNotEmpty()
                .allMatch(ExpectationResult::getMet);
        Instance web = instance("tiers-vpc", "web-1");
        Instance app = instance("tiers-vpc", "app-1");
        Instance db = instance("tiers-vpc", "db-1");
        assertThat(app.getKind()).isEqualTo(InstanceKind.NETNS);
        try (Lab lab = new Lab()) {
            for (int port : new int[] {8080, 8081}) {
                lab.start(
                        "http-" + port,
                        List.of(
                                "ip",
                                "netns",
                                "exec",
                                namespace(app),
                                "timeout",
                                "90",
                                "python3",
                                "-m",
                                "http.server",
                                String.valueOf(port),
                                "--bind",
                                app.getPrivateIpAddress()));
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Lab.tryRun("ip", "netns", "exec", namespace(app), "ss", "-ltn")
                            .contains(":8081"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> curl(web, app, 8080).output().strip().equals("200"));
            assertThat(curl(web, app, 8081).exit())
                    .as("no rule of the app group admits 8081: the SYN never arrives")
                    .isEqualTo(CURL_TIMED_OUT);
            assertThat(curl(db, app, 8080).exit())
                    .as("db-1 is not in the web group")
                    .isEqualTo(CURL_TIMED_OUT);

            lab.start(
                    "iperf3-db",
                    List.of("ip", "netns", "exec", namespace(db), "timeout", "60", "iperf3", "-s", "-1", "-p", "5432"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Lab.tryRun("ip", "netns", "exec", namespace(db), "ss", "-ltn")
                            .contains(":5432"));
            String result = Lab.run(
                    "ip",
                    "netns",
                    "exec",
                    namespace(app),
                    "timeout",
                    "20",
                    "iperf3",
                    "-c",
                    db.getPrivateIpAddress(),
                    "-p",
                    "5432",
                    "-t",
                    "1",
                    "-J");
            assertThat(result).contains("\"sum_received\"").doesNotContain("\"error\"");
        }
    }

    /** curl from one namespace to another: its exit code and the HTTP status it printed. */
    private static Lab.Result curl(Instance from, Instance to, int port) {
        return Lab.exec(
                "ip",
                "netns",
                "exec",
                namespace(from),
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-m",
                "3",
                "http://" + to.getPrivateIpAddress() + ":" + port + "/");
    }

    /** Applies the sample with netns instances, keeping only its ping expectations (what a bare namespace answers). */
    private static TopologyReport applyPingsOnly(String sample) throws Exception {
        Path file = SAMPLES.resolve(sample).resolve("topology.yaml");
        Topology topology = TopologyParser.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        Topology pings = new Topology(
                topology.name(),
                topology.description(),
                topology.hosts(),
                topology.internetHosts(),
                topology.tenants(),
                topology.peerings(),
                topology.expect().stream().filter(e -> e.probe().equals("ping")).toList(),
                List.of());
        return new TopologyApplier(admin, new TopologyApplier.Options(InstanceKind.NETNS, Duration.ofSeconds(60)))
                .apply(pings);
    }

    /** An instance by VPC and name: the samples share one server, and two of them name an instance db-1. */
    private static Instance instance(String vpcName, String name) throws Exception {
        return new InstancesApi(admin)
                .listInstances(null, null, null, 1000, null).getItems().stream()
                        .filter(i -> vpcName.equals(i.getVpcName()) && name.equals(i.getName()))
                        .findFirst()
                        .orElseThrow();
    }

    /** The agent names an instance's namespace after its port, the instance ID. */
    private static String namespace(Instance instance) {
        return "vl-" + instance.getInstanceId();
    }
}
