package io.vpclab.agent.linux;

import static io.vpclab.agent.linux.Lab.run;
import static io.vpclab.agent.linux.Lab.succeeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Path MTU discovery through VPC Lab: two agents (static tables) on a 1500-byte veth underlay, so
 * the inner MTU is 1450, with netns instances whose own MTU is 1500. TCP, which starts with
 * 1460-byte segments, learns the path MTU from the sender's agent and moves its bytes; a DF ping
 * one byte over 1450 is answered with ICMP fragmentation needed (mtu = 1450), the instance's
 * kernel caches that path MTU, and a ping of exactly 1450 passes.
 */
class PathMtuNetnsTest {

    private static final int VNI = 0xABCDE;
    private static final NetnsPairTable TABLE = new NetnsPairTable(VNI, "10.95.0.0/24", 1500);
    private static final String MAC_A = "02:00:0a:5f:00:0a";
    private static final String MAC_B = "02:00:0a:5f:00:0b";
    private static final String IP_A = "10.95.0.10";
    private static final String IP_B = "10.95.0.11";

    @Test
    void aDfPacketOverTheInnerMtuGetsFragmentationNeededAndTcpLearnsThePathMtu() throws Exception {
        Lab.assumeLinuxRootWith("iperf3", "ping");
        try (Lab lab = new Lab()) {
            String hostA = lab.namespace("h");
            String hostB = lab.namespace("g");
            lab.joinByVeth(hostA, hostB, "m", "192.168.95.1", "192.168.95.2");

            String instanceA = "vlna" + lab.id;
            String instanceB = "vlnb" + lab.id;
            Path tableA = Files.createTempFile("vl-mtu-a-", ".yaml");
            Path tableB = Files.createTempFile("vl-mtu-b-", ".yaml");
            Files.writeString(
                    tableA, TABLE.yaml("192.168.95.1", "192.168.95.2", "a", MAC_A, IP_A, instanceA, MAC_B, IP_B));
            Files.writeString(
                    tableB, TABLE.yaml("192.168.95.2", "192.168.95.1", "b", MAC_B, IP_B, instanceB, MAC_A, IP_A));
            try {
                Lab.Background agentA = lab.start("agent-a", Lab.agentCommand(hostA, "--table", tableA.toString()));
                Lab.Background agentB = lab.start("agent-b", Lab.agentCommand(hostB, "--table", tableB.toString()));
                await().atMost(Duration.ofSeconds(40))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> !agentA.process.isAlive()
                                || !agentB.process.isAlive()
                                || succeeds("ip", "netns", "exec", instanceA, "ping", "-c", "1", "-W", "1", IP_B));
                assertThat(agentA.process.isAlive()).as(agentA.output()).isTrue();
                assertThat(agentB.process.isAlive()).as(agentB.output()).isTrue();
                assertThat(run("ip", "-n", instanceA, "-o", "link", "show", "vlta" + lab.id))
                        .contains("mtu 1500");

                // TCP starts with 1460-byte segments (both ends have MTU 1500): A's kernel must learn 1450
                Lab.Background server = lab.start(
                        "iperf3-server", List.of("ip", "netns", "exec", instanceB, "iperf3", "-s", "-1", "-B", IP_B));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> Lab.tryRun("ip", "netns", "exec", instanceB, "ss", "-Htln", "sport", "=", ":5201")
                                .contains("5201"));
                long bytes = AgentVersusKernelVxlanTest.iperfBytes(
                        run("ip", "netns", "exec", instanceA, "iperf3", "-c", IP_B, "-t", "2", "-J"));
                assertThat(bytes).as("TCP bytes after path MTU discovery").isGreaterThan(1_000_000);
                server.stop();
                assertThat(run("ip", "-n", instanceA, "route", "get", IP_B)).contains("mtu 1450");

                // B has learned nothing yet: 1423 + 8 (ICMP) + 20 (IP) = 1451, one byte over the inner MTU
                Lab.Result tooLarge = Lab.exec(
                        "ip", "netns", "exec", instanceB, "ping", "-M", "do", "-s", "1423", "-c", "1", "-W", "2", IP_A);
                assertThat(tooLarge.output()).contains("Frag needed and DF set (mtu = 1450)");
                assertThat(run("ip", "-n", instanceB, "route", "get", IP_A)).contains("mtu 1450");
                assertThat(run(
                                "ip", "netns", "exec", instanceB, "ping", "-M", "do", "-s", "1422", "-c", "1", "-W",
                                "2", IP_A))
                        .as("exactly the inner MTU passes")
                        .contains("1 received");

                assertThat(agentA.stop()).as(agentA.output()).isZero();
                assertThat(agentB.stop()).as(agentB.output()).isZero();
                // the agents' final counters name the drops
                assertThat(agentA.output()).contains("\"dropOversize\"");
                assertThat(agentB.output()).contains("\"dropOversize\"");
            } finally {
                Lab.tryRun("ip", "netns", "del", instanceA);
                Lab.tryRun("ip", "netns", "del", instanceB);
                Files.deleteIfExists(tableA);
                Files.deleteIfExists(tableB);
            }
        }
    }
}
