package io.vpclab.agent.linux;

import static io.vpclab.agent.linux.Lab.run;
import static org.assertj.core.api.Assertions.assertThat;

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
    private static final String IP_A = "10.95.0.10";
    private static final String IP_B = "10.95.0.11";
    private static final StaticTableAgentPair.Instance A = new StaticTableAgentPair.Instance("02:00:0a:5f:00:0a", IP_A);
    private static final StaticTableAgentPair.Instance B = new StaticTableAgentPair.Instance("02:00:0a:5f:00:0b", IP_B);

    @Test
    void aDfPacketOverTheInnerMtuGetsFragmentationNeededAndTcpLearnsThePathMtu() throws Exception {
        Lab.assumeLinuxRootWith("iperf3", "ping");
        try (Lab lab = new Lab();
                StaticTableAgentPair pair = new StaticTableAgentPair(lab, TABLE, "vln", "192.168.95", "m", A, B)) {
            String instanceA = pair.instanceA;
            String instanceB = pair.instanceB;
            Lab.Background agentA = pair.agentA;
            Lab.Background agentB = pair.agentB;
            assertThat(run("ip", "-n", instanceA, "-o", "link", "show", pair.tapA))
                    .contains("mtu 1500");

            // TCP starts with 1460-byte segments (both ends have MTU 1500): A's kernel must learn 1450
            Lab.Background server = pair.iperf3ServerInB("iperf3-server", 5201, true);
            long bytes = AgentVersusKernelVxlanTest.iperfBytes(
                    run("ip", "netns", "exec", instanceA, "iperf3", "-c", IP_B, "-n", "4M", "-J"));
            assertThat(bytes).as("TCP bytes after path MTU discovery").isGreaterThan(1_000_000);
            server.stop();
            assertThat(run("ip", "-n", instanceA, "route", "get", IP_B)).contains("mtu 1450");

            // B has learned nothing yet: 1423 + 8 (ICMP) + 20 (IP) = 1451, one byte over the inner MTU
            Lab.Result tooLarge = Lab.exec(
                    "ip", "netns", "exec", instanceB, "ping", "-M", "do", "-s", "1423", "-c", "1", "-W", "2", IP_A);
            assertThat(tooLarge.output()).contains("Frag needed and DF set (mtu = 1450)");
            assertThat(run("ip", "-n", instanceB, "route", "get", IP_A)).contains("mtu 1450");
            assertThat(run(
                            "ip", "netns", "exec", instanceB, "ping", "-M", "do", "-s", "1422", "-c", "1", "-W", "2",
                            IP_A))
                    .as("exactly the inner MTU passes")
                    .contains("1 received");

            assertThat(agentA.stop()).as(agentA.output()).isZero();
            assertThat(agentB.stop()).as(agentB.output()).isZero();
            // the agents' final counters name the drops
            assertThat(agentA.output()).contains("\"dropOversize\"");
            assertThat(agentB.output()).contains("\"dropOversize\"");
        }
    }
}
