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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two agent processes, each in its own network namespace (its "machine"), joined by a veth
 * underlay and reaching the control plane over another veth each; netns instances behind them,
 * created and addressed by the agents as the control plane pushes them. Driven only through the
 * REST API: ping through the API, iperf3 between the instances' real Linux stacks, and the
 * control plane restarted in the middle of an iperf3 run.
 */
class NetnsAgentsLinuxTest {

    private static final Duration CONVERGENCE = Duration.ofSeconds(60);

    private Lab lab;
    private ControlPlaneLab controlPlane;
    private String underlayA;
    private String underlayB;

    @BeforeEach
    void machines() throws Exception {
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
        startAgent(a, "agent-a", cpA, underlayA);
        startAgent(b, "agent-b", cpB, underlayB);
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

    @Test
    void netnsInstancesPingAndCarryIperf3AcrossAControlPlaneRestart() throws Exception {
        String tenantId = new TenantsApi(controlPlane.admin()).createTenant(new TenantCreate().name("linux")).getTenantId();
        String vpcId = new VpcsApi(controlPlane.admin()).createVpc(new VpcCreate().cidrBlock("10.77.0.0/16").tenantId(tenantId))
                .getVpcId();
        String subnetId = new SubnetsApi(controlPlane.admin()).createSubnet(new SubnetCreate().vpcId(vpcId)
                .cidrBlock("10.77.1.0/24")).getSubnetId();
        Instance left = launch(subnetId, hostId("agent-a"), "10.77.1.10");
        Instance right = launch(subnetId, hostId("agent-b"), "10.77.1.11");
        await().atMost(CONVERGENCE).until(this::converged);
        String leftNamespace = namespaceOf(left);
        String rightNamespace = namespaceOf(right);

        ProbeResult ping = new DiagnosticsApi(controlPlane.admin()).pingFromInstance(left.getInstanceId(),
                new PingRequest().target("10.77.1.11").count(3).timeoutMillis(1000));
        assertThat(ping.getReceived()).as("API ping between netns instances: %s", ping).isEqualTo(3);

        Lab.Background server = lab.start("iperf3-server", List.of("ip", "netns", "exec", rightNamespace, "iperf3", "-s", "-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Lab.succeeds("ip", "netns", "exec", rightNamespace,
                "sh", "-c", "ss -ltn | grep -q ':5201'"));
        Lab.Background client = lab.start("iperf3-client", List.of("ip", "netns", "exec", leftNamespace,
                "iperf3", "-c", "10.77.1.11", "-t", "20", "-J"));
        // iperf3 -J reports only at the end; an established connection on the server side means the run is on
        await().atMost(Duration.ofSeconds(10)).until(() -> Lab.succeeds("ip", "netns", "exec", rightNamespace,
                "sh", "-c", "ss -tn state established '( sport = :5201 )' | grep -q 10.77.1.10"));

        controlPlane.stopServer();
        controlPlane.startServer();
        await().atMost(CONVERGENCE).until(() -> connectedHosts() == 2);

        assertThat(client.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String report = client.output();
        assertThat(client.process.exitValue()).as(report).isZero();
        assertThat(report).doesNotContain("\"error\"");
        long bytes = Long.parseLong(report.replaceAll("(?s).*\"sum_received\"\\s*:\\s*\\{[^}]*?\"bytes\"\\s*:\\s*(\\d+).*", "$1"));
        assertThat(bytes).as("bytes received by iperf3 across the restart").isGreaterThan(10_000_000L);
        server.stop();
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

    private void startAgent(String namespace, String name, String controlPlaneUrl, String underlayIp) throws Exception {
        Path state = Files.createTempDirectory("vl-agent").resolve(name + ".properties");
        lab.start(name, Lab.agentCommand(namespace, "--control-plane", controlPlaneUrl, "--token", ControlPlaneLab.ADMIN,
                "--underlay-ip", underlayIp, "--name", name + "-" + lab.id, "--state-file", state.toString()));
    }

    private long connectedHosts() {
        try {
            return new HostsApi(controlPlane.admin()).listHosts(100, null).getItems().stream()
                    .filter(h -> h.getStatus() == HostStatus.CONNECTED).count();
        } catch (ApiException e) {
            return 0;
        }
    }

    private boolean converged() throws ApiException {
        return new HostsApi(controlPlane.admin()).listHosts(100, null).getItems().stream()
                .allMatch(h -> h.getAppliedGeneration() >= h.getDesiredGeneration());
    }

    private String hostId(String agentName) throws ApiException {
        return new HostsApi(controlPlane.admin()).listHosts(100, null).getItems().stream()
                .filter(h -> h.getName().equals(agentName + "-" + lab.id)).map(Host::getHostId).findFirst().orElseThrow();
    }

    private Instance launch(String subnetId, String hostId, String ip) throws ApiException {
        return new InstancesApi(controlPlane.admin()).runInstance(new InstanceCreate().subnetId(subnetId).hostId(hostId)
                .kind(InstanceKind.NETNS).privateIpAddress(ip));
    }

    /** The agent names an instance's namespace after its id (vl-<id>); find it among the namespaces. */
    private static String namespaceOf(Instance instance) {
        return Stream.of(run("ip", "netns", "list").split("\n")).map(line -> line.split(" ")[0])
                .filter(name -> name.contains(instance.getInstanceId())).findFirst()
                .orElseThrow(() -> new AssertionError("no namespace for " + instance.getInstanceId()));
    }
}
