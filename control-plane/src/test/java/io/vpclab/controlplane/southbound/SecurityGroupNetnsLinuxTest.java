package io.vpclab.controlplane.southbound;

import static io.vpclab.agent.linux.Lab.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.linux.Lab;
import io.vpclab.client.ApiClient;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceSecurityGroupsUpdate;
import io.vpclab.client.model.SecurityGroupCreate;
import io.vpclab.client.model.SecurityGroupRuleCreate;
import io.vpclab.client.model.SecurityGroupRuleDirection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A security group on real Linux hosts (root, CI): two netns instances on two agent machines
 * ({@link TwoAgentMachines}); the right one's group admits TCP 8080 and 5201 (iperf3) from the
 * VPC. curl reaches a web server on 8080 and times out on 9090 (filtered, not refused: the SYN
 * never arrives); iperf3 runs through the 5201 rule, its replies passing as a tracked flow.
 */
class SecurityGroupNetnsLinuxTest {

    private static final Duration CONVERGENCE = TwoAgentMachines.CONVERGENCE;
    /** curl's exit code for a timeout (a refused connection is 7). */
    private static final int CURL_TIMED_OUT = 28;

    private TwoAgentMachines machines;

    @AfterEach
    void teardown() {
        if (machines != null) {
            machines.close();
        }
    }

    @Test
    void curlReachesTheAllowedPortOnlyAndIperf3RunsThroughAnAllowedRule() throws Exception {
        machines = TwoAgentMachines.start("all", "curl", "/usr/bin/python3", "iperf3", "ss");
        ApiClient admin = machines.controlPlane.admin();
        TwoAgentMachines.Network network = TwoAgentMachines.Network.create(admin, "sg", "10.78.0.0/16", "10.78.1.0/24");
        String vpcId = network.vpcId();
        Instance left = network.launchNetns(admin, machines.hostId(machines.agentA), "10.78.1.10");
        Instance right = network.launchNetns(admin, machines.hostId(machines.agentB), "10.78.1.11");
        SecurityGroupsApi groups = new SecurityGroupsApi(admin);
        String web = groups.createSecurityGroup(
                        new SecurityGroupCreate().vpcId(vpcId).groupName("web"))
                .getGroupId();
        for (int port : List.of(8080, 5201)) {
            groups.authorizeSecurityGroupRule(
                    web,
                    new SecurityGroupRuleCreate()
                            .direction(SecurityGroupRuleDirection.INGRESS)
                            .ipProtocol("tcp")
                            .fromPort(port)
                            .toPort(port)
                            .cidrIp("10.78.0.0/16"));
        }
        groups.replaceInstanceSecurityGroups(
                right.getInstanceId(), new InstanceSecurityGroupsUpdate().securityGroupIds(List.of(web)));
        await().atMost(CONVERGENCE).until(machines::converged);
        String leftNamespace = TwoAgentMachines.namespaceOf(left);
        String rightNamespace = TwoAgentMachines.namespaceOf(right);

        for (int port : List.of(8080, 9090)) {
            machines.lab.start(
                    "http-" + port,
                    List.of(
                            "ip",
                            "netns",
                            "exec",
                            rightNamespace,
                            "/usr/bin/python3",
                            "-m",
                            "http.server",
                            String.valueOf(port),
                            "--bind",
                            "10.78.1.11"));
            // a Python interpreter starts slowly on a busy machine
            TwoAgentMachines.awaitListening(rightNamespace, port, Duration.ofSeconds(60));
        }
        await().atMost(CONVERGENCE)
                .until(() -> "200"
                        .equals(Lab.tryRun(
                                        "ip",
                                        "netns",
                                        "exec",
                                        leftNamespace,
                                        "curl",
                                        "-s",
                                        "-o",
                                        "/dev/null",
                                        "-w",
                                        "%{http_code}",
                                        "--max-time",
                                        "5",
                                        "http://10.78.1.11:8080/")
                                .trim()));
        Lab.Result refused = Lab.exec(
                "ip", "netns", "exec", leftNamespace, "curl", "-s", "--max-time", "3", "http://10.78.1.11:9090/");
        assertThat(refused.exit())
                .as("9090 listens too, but no rule admits it: %s", refused.output())
                .isEqualTo(CURL_TIMED_OUT);

        Lab.Background server = machines.iperf3Server("iperf3-server", rightNamespace, 5201);
        String report = run("ip", "netns", "exec", leftNamespace, "iperf3", "-c", "10.78.1.11", "-n", "4M", "-J");
        assertThat(TwoAgentMachines.receivedBytes(report))
                .as("iperf3 bytes through the 5201 rule")
                .isGreaterThan(1_000_000L);
        server.stop();
    }
}
