package io.vpclab.controlplane.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.linux.Lab;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.api.ExecApi;
import io.vpclab.client.model.ExecRequest;
import io.vpclab.client.model.ExecResult;
import io.vpclab.client.model.ExpectationResult;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.PortProbeRequest;
import io.vpclab.client.model.TopologyChangeAction;
import io.vpclab.client.model.TopologyReport;
import io.vpclab.topology.Topology;
import io.vpclab.topology.apply.ReportText;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The isolation samples (tenant isolation, a network ACL, elastic IP and NAT gateway whitelists, a
 * firewall appliance) and live migration with every instance a network namespace (root): each
 * sample's network is applied first, then servers start in the namespaces its port expectations
 * name (a real Linux stack answers only where a program listens), then the whole file is applied
 * again and every expectation must hold with the namespaces' own ping, TCP connect and UDP request.
 */
class TopologyNetnsIsolationSamplesLinuxTest {

    static NetnsSamplesLab lab;

    @BeforeAll
    static void lab() throws Exception {
        lab = NetnsSamplesLab.start("netns-isolation-samples", "curl", "ss");
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void tenantIsolationHoldsBetweenNamespacesOfTwoTenantsOnOneAddress() throws Exception {
        lab.network("tenant-isolation");
        Instance red2 = lab.instance("red-vpc", "red-2");
        assertThat(red2.getKind()).isEqualTo(InstanceKind.NETNS);
        try (Lab servers = new Lab()) {
            NetnsSamplesLab.tcpServer(servers, red2, 80);

            // 8080 stays closed: nothing listens there, and the namespace's stack resets the SYN
            assertAllMet(lab.apply("tenant-isolation", e -> true), 9);
        }
    }

    @Test
    void aclDenySubnetDecidesRealConnectionsByItsEntries() throws Exception {
        lab.network("acl-deny-subnet");
        Instance server = lab.instance("campus-vpc", "srv-1");
        Instance office = lab.instance("campus-vpc", "office-1");
        try (Lab servers = new Lab()) {
            NetnsSamplesLab.tcpServer(servers, server, 22);
            // a server on 80 too: the final deny, not an empty port, keeps it filtered
            NetnsSamplesLab.tcpServer(servers, server, 80);
            NetnsSamplesLab.tcpServer(servers, office, 22);

            assertAllMet(lab.apply("acl-deny-subnet", e -> true), 9);
        }
    }

    /**
     * The storefront's elastic IP under an ingress whitelist of port 80: the customer's curl to the
     * public address gets the page, and the storefront's server sees the customer's own elastic IP
     * as the client (both ends translated, neither private address crosses).
     */
    @Test
    void eipIngressWhitelistOpensOnlyPort80OfARealServer() throws Exception {
        lab.network("eip-ingress-whitelist");
        Instance storefront = lab.instance("shop-vpc", "storefront");
        Instance customer = lab.instance("home-vpc", "customer-1");
        try (Lab servers = new Lab()) {
            Lab.Background web = NetnsSamplesLab.tcpServer(servers, storefront, 80);
            // a server on 22 too: the whitelist, not an empty port, keeps it filtered
            NetnsSamplesLab.tcpServer(servers, storefront, 22);

            assertAllMet(lab.apply("eip-ingress-whitelist", e -> true), 5);
            assertThat(NetnsSamplesLab.curl(customer, storefront.getPublicIp(), 80)
                            .output()
                            .strip())
                    .isEqualTo("200");
            await().atMost(Duration.ofSeconds(10)).until(() -> web.output().contains(customer.getPublicIp() + " - - "));
            assertThat(web.output()).doesNotContain(customer.getPrivateIpAddress());
        }
    }

    /** Only TCP 443 to one internet host leaves through the gateway; the UDP probe comes from the namespace too. */
    @Test
    void natEgressWhitelistLetsANamespaceOutToOnePortOnly() throws Exception {
        TopologyReport report = lab.apply("nat-egress-whitelist", e -> true);

        assertAllMet(report, 5);
        assertThat(report.getExpectations())
                .filteredOn(e -> e.getProbe() == ExpectationResult.ProbeEnum.UDP)
                .singleElement()
                .satisfies(e -> assertThat(e.getObserved()).isEqualTo("filtered"));
    }

    /**
     * mover-1's namespace moves from demo-host-1 to demo-host-3, agents of one machine: the new
     * host takes the namespace name over once the old one removed it, with the same address and
     * MAC. Its SSH-port server went with the old namespace and is started again in the new one;
     * peer-1 runs a UDP echo server for the step's UDP expectation, and a port where nothing
     * listens answers closed.
     */
    @Test
    void liveMigrationMovesANamespaceBetweenTwoAgentsOfOneMachine() throws Exception {
        lab.network("live-migration");
        Instance before = lab.instance("mig-vpc", "mover-1");
        Instance peer = lab.instance("mig-vpc", "peer-1");
        assertThat(before.getHostName()).isEqualTo("demo-host-1");
        Topology file = NetnsSamplesLab.sample("live-migration");
        try (Lab servers = new Lab()) {
            NetnsSamplesLab.tcpServer(servers, before, 22);
            NetnsSamplesLab.udpEcho(servers, peer, 7);
            assertAllMet(lab.apply("live-migration", e -> true), 2);

            TopologyReport move = lab.apply(new Topology(
                    file.name(),
                    file.description(),
                    file.hosts(),
                    file.internetHosts(),
                    file.tenants(),
                    file.peerings(),
                    List.of(),
                    file.steps().stream()
                            .map(s -> new Topology.Step(s.name(), s.move(), List.of()))
                            .toList()));
            assertThat(move.getChanges())
                    .singleElement()
                    .satisfies(c -> assertThat(c.getAction()).isEqualTo(TopologyChangeAction.MOVED));
            Instance after = lab.instance("mig-vpc", "mover-1");
            assertThat(after.getHostName()).isEqualTo("demo-host-3");
            assertThat(after.getPrivateIpAddress()).isEqualTo(before.getPrivateIpAddress());
            assertThat(after.getMacAddress()).isEqualTo(before.getMacAddress());
            String namespace = NetnsSamplesLab.namespace(after);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Lab.tryRun("ip", "-n", namespace, "-o", "addr")
                            .contains(after.getPrivateIpAddress() + "/"));
            NetnsSamplesLab.tcpServer(servers, after, 22);

            // the move is done: this apply skips it and runs every expectation, before and after
            TopologyReport report = lab.apply(file);
            assertAllMet(report, 5);
            assertThat(report.getChanges()).isEmpty();
            var closed = new DiagnosticsApi(lab.admin)
                    .probePortFromInstance(
                            after.getInstanceId(),
                            new PortProbeRequest()
                                    .target(peer.getPrivateIpAddress())
                                    .protocol(PortProbeRequest.ProtocolEnum.UDP)
                                    .port(9)
                                    .timeoutMillis(1000));
            assertThat(closed.getOutcome())
                    .as("nothing listens on UDP 9: peer-1's stack answers port unreachable")
                    .isEqualTo("closed");
        }
    }

    /**
     * The firewall as a namespace is a real Linux host. As the file is written its stack does not
     * forward (ip_forward is off in a new namespace), and the file holds as for a simulated
     * appliance. Turned into a router through the control plane's exec, it forwards the protected
     * subnet's packets to the NAT gateway (its port may send their sources: it is the route's next
     * hop), so app-1's ping and app-2's TCP 80 reach the internet host; the blackhole still drops.
     */
    @Test
    void aNetnsFirewallForwardsTheProtectedSubnetOnceItsStackRoutes() throws Exception {
        assertAllMet(lab.apply("firewall-appliance", e -> true), 6);
        Instance firewall = lab.instance("fw-vpc", "firewall");

        ExecResult routing = new ExecApi(lab.admin)
                .execInInstance(
                        firewall.getInstanceId(),
                        new ExecRequest().command(List.of("sysctl", "-w", "net.ipv4.ip_forward=1")));
        assertThat(routing.getExitCode()).as(routing.getStderr()).isZero();
        long forwardedBefore = forwardedDatagrams(firewall);
        Topology file = NetnsSamplesLab.sample("firewall-appliance");
        // the two probes through the firewall, now answered; the rest of the file does not change
        List<Topology.Expectation> forwarded = file.expect().stream()
                .filter(e -> e.from().startsWith("app-") && e.to().equals("fw-web"))
                .map(e -> new Topology.Expectation(
                        e.from(),
                        e.to(),
                        e.probe(),
                        e.port(),
                        e.probe().equals("ping") ? "reachable" : "open",
                        null,
                        null))
                .toList();
        TopologyReport report = lab.apply(new Topology(
                file.name(),
                file.description(),
                file.hosts(),
                file.internetHosts(),
                file.tenants(),
                file.peerings(),
                forwarded,
                List.of()));

        assertAllMet(report, 2);
        assertThat(forwardedDatagrams(firewall))
                .as("the firewall's own kernel forwarded them")
                .isGreaterThan(forwardedBefore);
    }

    /** The namespace's IP ForwDatagrams counter (RFC 4293 ipSystemStatsOutForwDatagrams), from its /proc/net/snmp. */
    private static long forwardedDatagrams(Instance instance) {
        List<String> ip = Lab.run("ip", "netns", "exec", NetnsSamplesLab.namespace(instance), "cat", "/proc/net/snmp")
                .lines()
                .filter(line -> line.startsWith("Ip:"))
                .toList();
        List<String> names = List.of(ip.get(0).split("\\s+"));
        return Long.parseLong(ip.get(1).split("\\s+")[names.indexOf("ForwDatagrams")]);
    }

    private static void assertAllMet(TopologyReport report, int expectations) {
        assertThat(report.getExpectations())
                .as(ReportText.render(report))
                .hasSize(expectations)
                .allMatch(ExpectationResult::getMet);
    }
}
