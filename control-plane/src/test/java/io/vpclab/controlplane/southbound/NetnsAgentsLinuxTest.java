package io.vpclab.controlplane.southbound;

import static io.vpclab.agent.linux.Lab.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.linux.Lab;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostStatus;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two agent processes, each in its own network namespace (its "machine"), joined by a veth
 * underlay and reaching the control plane over another veth each; netns instances behind them,
 * created and addressed by the agents as the control plane pushes them. Driven only through the
 * REST API: ping through the API, a full-size ping with DF set both ways, iperf3 both ways between
 * the instances' real Linux stacks, and the control plane restarted in the middle of an iperf3 run;
 * with the agents' {@code --offloads all} (the instances' TAPs with virtio-net header, checksum
 * offload and TSO) and {@code none} (plain TAPs).
 */
class NetnsAgentsLinuxTest {

    private static final Duration CONVERGENCE = Duration.ofSeconds(60);

    private Lab lab;
    private ControlPlaneLab controlPlane;
    private String underlayA;
    private String underlayB;

    private void machines(String offloads) throws Exception {
        Lab.assumeLinuxRootWith("ip", "iperf3", "nsenter", "ping");
        lab = new Lab();
        controlPlane = new ControlPlaneLab();
        controlPlane.startServer();
        String a = lab.namespace("ma");
        String b = lab.namespace("mb");
        // underlay between the two machines
        run("ip", "link", "add", "vlu" + lab.id, "type", "veth", "peer", "name", "vlv" + lab.id);
        run("ip", "link", "set", "vlu" + lab.id, "netns", a);
        run("ip", "link", "set", "vlv" + lab.id, "netns", b);
        run("ip", "-n", a, "addr", "add", "192.168.231.1/24", "dev", "vlu" + lab.id);
        run("ip", "-n", b, "addr", "add", "192.168.231.2/24", "dev", "vlv" + lab.id);
        run("ip", "-n", a, "link", "set", "vlu" + lab.id, "up");
        run("ip", "-n", b, "link", "set", "vlv" + lab.id, "up");
        underlayA = "192.168.231.1";
        underlayB = "192.168.231.2";
        // management links to the control plane in this (root) namespace
        String cpA = managementLink(a, "a", 1);
        String cpB = managementLink(b, "b", 2);
        startAgent(a, "agent-a", cpA, underlayA, offloads);
        startAgent(b, "agent-b", cpB, underlayB, offloads);
        await().atMost(CONVERGENCE).until(() -> connectedHosts() == 2);
    }

    @AfterEach
    void teardown() {
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @ParameterizedTest(name = "--offloads {0}")
    @ValueSource(strings = {"all", "none"})
    void netnsInstancesPingAndCarryIperf3AcrossAControlPlaneRestart(String offloads) throws Exception {
        machines(offloads);
        String tenantId = new TenantsApi(controlPlane.admin())
                .createTenant(new TenantCreate().name("linux"))
                .getTenantId();
        String vpcId = new VpcsApi(controlPlane.admin())
                .createVpc(new VpcCreate().cidrBlock("10.77.0.0/16").tenantId(tenantId))
                .getVpcId();
        String subnetId = new SubnetsApi(controlPlane.admin())
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.77.1.0/24"))
                .getSubnetId();
        Instance left = launch(subnetId, hostId("agent-a"), "10.77.1.10");
        Instance right = launch(subnetId, hostId("agent-b"), "10.77.1.11");
        await().atMost(CONVERGENCE).until(this::converged);
        String leftNamespace = namespaceOf(left);
        String rightNamespace = namespaceOf(right);

        ProbeResult ping = new DiagnosticsApi(controlPlane.admin())
                .pingFromInstance(
                        left.getInstanceId(),
                        new PingRequest().target("10.77.1.11").count(3).timeoutMillis(1000));
        assertThat(ping.getReceived())
                .as("API ping between netns instances: %s", ping)
                .isEqualTo(3);

        // a full-size frame (a 1450-byte packet in a 1500-byte underlay datagram), DF set, both ways
        assertThat(run(
                        "ip",
                        "netns",
                        "exec",
                        leftNamespace,
                        "ping",
                        "-c",
                        "2",
                        "-M",
                        "do",
                        "-s",
                        "1422",
                        "-W",
                        "2",
                        "10.77.1.11"))
                .contains("2 received");
        assertThat(run(
                        "ip",
                        "netns",
                        "exec",
                        rightNamespace,
                        "ping",
                        "-c",
                        "2",
                        "-M",
                        "do",
                        "-s",
                        "1422",
                        "-W",
                        "2",
                        "10.77.1.10"))
                .contains("2 received");
        Lab.Background reverseServer = lab.start(
                "iperf3-reverse", List.of("ip", "netns", "exec", rightNamespace, "iperf3", "-s", "-1", "-p", "5202"));
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        Lab.succeeds("ip", "netns", "exec", rightNamespace, "sh", "-c", "ss -ltn | grep -q ':5202'"));
        String reverse = run(
                "ip",
                "netns",
                "exec",
                leftNamespace,
                "iperf3",
                "-c",
                "10.77.1.11",
                "-p",
                "5202",
                "-t",
                "3",
                "-R",
                "-J");
        assertThat(receivedBytes(reverse))
                .as("iperf3 bytes from the right instance to the left")
                .isGreaterThan(1_000_000L);
        reverseServer.stop();

        Lab.Background server =
                lab.start("iperf3-server", List.of("ip", "netns", "exec", rightNamespace, "iperf3", "-s", "-1"));
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        Lab.succeeds("ip", "netns", "exec", rightNamespace, "sh", "-c", "ss -ltn | grep -q ':5201'"));
        Lab.Background client = lab.start(
                "iperf3-client",
                List.of("ip", "netns", "exec", leftNamespace, "iperf3", "-c", "10.77.1.11", "-t", "20", "-J"));
        // iperf3 -J reports only at the end; an established connection on the server side means the run is on
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Lab.succeeds(
                        "ip",
                        "netns",
                        "exec",
                        rightNamespace,
                        "sh",
                        "-c",
                        "ss -tn state established '( sport = :5201 )' | grep -q 10.77.1.10"));

        controlPlane.stopServer();
        controlPlane.startServer();
        await().atMost(CONVERGENCE).until(() -> connectedHosts() == 2);

        assertThat(client.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();
        String report = client.output();
        assertThat(client.process.exitValue()).as(report).isZero();
        assertThat(report).doesNotContain("\"error\"");
        assertThat(receivedBytes(report))
                .as("bytes received by iperf3 across the restart")
                .isGreaterThan(10_000_000L);
        server.stop();
    }

    private static long receivedBytes(String iperf3Json) {
        return Long.parseLong(
                iperf3Json.replaceAll("(?s).*\"sum_received\"\\s*:\\s*\\{[^}]*?\"bytes\"\\s*:\\s*(\\d+).*", "$1"));
    }

    private String managementLink(String namespace, String side, int subnet) {
        String root = "vlm" + side + lab.id;
        run("ip", "link", "add", root, "type", "veth", "peer", "name", "mgmt0", "netns", namespace);
        run("ip", "addr", "add", "10.231." + subnet + ".1/30", "dev", root);
        run("ip", "link", "set", root, "up");
        run("ip", "-n", namespace, "addr", "add", "10.231." + subnet + ".2/30", "dev", "mgmt0");
        run("ip", "-n", namespace, "link", "set", "mgmt0", "up");
        return "http://10.231." + subnet + ".1:" + controlPlane.uri().getPort();
    }

    private void startAgent(String namespace, String name, String controlPlaneUrl, String underlayIp, String offloads)
            throws Exception {
        Path state = Files.createTempDirectory("vl-agent").resolve(name + ".properties");
        lab.start(
                name,
                Lab.agentCommand(
                        namespace,
                        "--control-plane",
                        controlPlaneUrl,
                        "--token",
                        ControlPlaneLab.ADMIN,
                        "--underlay-ip",
                        underlayIp,
                        "--name",
                        name + "-" + lab.id,
                        "--state-file",
                        state.toString(),
                        "--offloads",
                        offloads));
    }

    private long connectedHosts() {
        try {
            return new HostsApi(controlPlane.admin())
                    .listHosts(100, null).getItems().stream()
                            .filter(h -> h.getStatus() == HostStatus.CONNECTED)
                            .count();
        } catch (ApiException e) {
            return 0;
        }
    }

    private boolean converged() throws ApiException {
        return new HostsApi(controlPlane.admin())
                .listHosts(100, null).getItems().stream()
                        .allMatch(h -> h.getAppliedGeneration() >= h.getDesiredGeneration());
    }

    private String hostId(String agentName) throws ApiException {
        return new HostsApi(controlPlane.admin())
                .listHosts(100, null).getItems().stream()
                        .filter(h -> h.getName().equals(agentName + "-" + lab.id))
                        .map(Host::getHostId)
                        .findFirst()
                        .orElseThrow();
    }

    private Instance launch(String subnetId, String hostId, String ip) throws ApiException {
        return new InstancesApi(controlPlane.admin())
                .runInstance(new InstanceCreate()
                        .subnetId(subnetId)
                        .hostId(hostId)
                        .kind(InstanceKind.NETNS)
                        .privateIpAddress(ip));
    }

    /** The agent names an instance's namespace after its id (vl-<id>); find it among the namespaces. */
    private static String namespaceOf(Instance instance) {
        return Stream.of(run("ip", "netns", "list").split("\n"))
                .map(line -> line.split(" ")[0])
                .filter(name -> name.contains(instance.getInstanceId()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no namespace for " + instance.getInstanceId()));
    }
}
