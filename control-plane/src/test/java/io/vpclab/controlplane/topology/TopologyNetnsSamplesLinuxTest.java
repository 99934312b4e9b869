package io.vpclab.controlplane.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.linux.Lab;
import io.vpclab.client.ApiClient;
import io.vpclab.client.api.InternetHostsApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.model.ExpectationResult;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.InternetHostCreate;
import io.vpclab.client.model.InternetHostKind;
import io.vpclab.client.model.TopologyReport;
import io.vpclab.topology.apply.ReportText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    static final String NETNS_WEB_IP = "198.51.100.90";

    static NetnsSamplesLab lab;
    static ApiClient admin;

    @BeforeAll
    static void lab() throws Exception {
        lab = NetnsSamplesLab.start("netns-samples", "iperf3");
        admin = lab.admin;
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) {
            lab.close();
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
                    .isEqualTo(NetnsSamplesLab.CURL_TIMED_OUT);
            assertThat(curl(db, app, 8080).exit())
                    .as("db-1 is not in the web group")
                    .isEqualTo(NetnsSamplesLab.CURL_TIMED_OUT);

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

    private static Lab.Result curl(Instance from, Instance to, int port) {
        return NetnsSamplesLab.curl(from, to.getPrivateIpAddress(), port);
    }

    private static TopologyReport applyPingsOnly(String sample) throws Exception {
        return lab.apply(sample, e -> e.probe().equals("ping"));
    }

    private static Instance instance(String vpcName, String name) throws Exception {
        return lab.instance(vpcName, name);
    }

    private static String namespace(Instance instance) {
        return NetnsSamplesLab.namespace(instance);
    }
}
