package io.vpclab.controlplane.southbound;

import static io.vpclab.agent.linux.Lab.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.linux.Lab;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.ProbeResult;
import java.time.Duration;
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

    private static final Duration CONVERGENCE = TwoAgentMachines.CONVERGENCE;

    private TwoAgentMachines machines;
    private ControlPlaneLab controlPlane;

    private void machines(String offloads) throws Exception {
        machines = TwoAgentMachines.start(offloads, "iperf3", "ping");
        controlPlane = machines.controlPlane;
    }

    @AfterEach
    void teardown() {
        if (machines != null) {
            machines.close();
        }
    }

    @ParameterizedTest(name = "--offloads {0}")
    @ValueSource(strings = {"all", "none"})
    void netnsInstancesPingAndCarryIperf3AcrossAControlPlaneRestart(String offloads) throws Exception {
        machines(offloads);
        TwoAgentMachines.Network network =
                TwoAgentMachines.Network.create(controlPlane.admin(), "linux", "10.77.0.0/16", "10.77.1.0/24");
        Instance left = network.launchNetns(controlPlane.admin(), machines.hostId(machines.agentA), "10.77.1.10");
        Instance right = network.launchNetns(controlPlane.admin(), machines.hostId(machines.agentB), "10.77.1.11");
        await().atMost(CONVERGENCE).until(machines::converged);
        String leftNamespace = TwoAgentMachines.namespaceOf(left);
        String rightNamespace = TwoAgentMachines.namespaceOf(right);

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
        Lab.Background reverseServer = machines.iperf3Server("iperf3-reverse", rightNamespace, 5202);
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
                "-n",
                "4M",
                "-R",
                "-J");
        assertThat(TwoAgentMachines.receivedBytes(reverse))
                .as("iperf3 bytes from the right instance to the left")
                .isGreaterThan(1_000_000L);
        reverseServer.stop();

        Lab.Background server = machines.iperf3Server("iperf3-server", rightNamespace, 5201);
        Lab.Background client = machines.iperf3AcrossAnOutage(leftNamespace, "10.77.1.11");
        TwoAgentMachines.awaitEstablished(rightNamespace, 5201, "10.77.1.10");

        controlPlane.stopServer();
        controlPlane.startServer();
        await().atMost(CONVERGENCE).until(() -> machines.connectedHosts() == 2);

        assertThat(client.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();
        String report = client.output();
        assertThat(client.process.exitValue()).as(report).isZero();
        assertThat(report).doesNotContain("\"error\"");
        assertThat(TwoAgentMachines.receivedBytes(report))
                .as("bytes received by iperf3 across the restart")
                .isGreaterThan(10_000_000L);
        server.stop();
    }
}
