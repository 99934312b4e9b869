package io.vpclab.agent.linux;

import static io.vpclab.agent.linux.Lab.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two agents with {@code --event-loops 2}, each given a static table with one {@code netns}
 * instance, joined by a veth underlay: each agent binds two underlay sockets (SO_REUSEPORT) and
 * opens its instance's TAP with two queues. Four parallel TCP streams both ways spread over the
 * loops; each agent's report shows that both loops carried frames and that the totals match.
 */
class TwoAgentsEventLoopsNetnsTest {

    private static final int LOOPS = 2;
    private static final int VNI = 0x5E0002;
    private static final NetnsPairTable TABLE = new NetnsPairTable(VNI, "10.95.0.0/24", 0);
    private static final String IP_A = "10.95.0.10";
    private static final String IP_B = "10.95.0.11";
    private static final StaticTableAgentPair.Instance A = new StaticTableAgentPair.Instance("02:00:0a:5f:00:0a", IP_A);
    private static final StaticTableAgentPair.Instance B = new StaticTableAgentPair.Instance("02:00:0a:5f:00:0b", IP_B);

    @Test
    void fourStreamsBothWaysSpreadOverTwoLoopsAndTwoTapQueues() throws Exception {
        Lab.assumeLinuxRootWith("iperf3");
        try (Lab lab = new Lab();
                StaticTableAgentPair pair = new StaticTableAgentPair(
                        lab, TABLE, "vli", "192.168.95", "v", A, B, "--event-loops", Integer.toString(LOOPS))) {
            String hostA = pair.hostA;
            String instanceA = pair.instanceA;
            String instanceB = pair.instanceB;
            String tapA = pair.tapA;
            Lab.Background agentA = pair.agentA;
            Lab.Background agentB = pair.agentB;
            // the instance's TAP really has one queue per loop
            assertThat(run("ip", "-n", instanceA, "-d", "link", "show", "dev", tapA))
                    .contains("multi_queue");
            assertThat(run("ip", "netns", "exec", instanceA, "ls", "/sys/class/net/" + tapA + "/queues"))
                    .contains("rx-0")
                    .contains("rx-1")
                    .doesNotContain("rx-2");
            // both agents' underlay sockets share the VXLAN port
            assertThat(run("ip", "netns", "exec", hostA, "ss", "-Huan", "sport", "=", ":4789")
                            .lines()
                            .count())
                    .isEqualTo(LOOPS);

            assertThat(run("ip", "netns", "exec", instanceA, "ping", "-c", "3", "-i", "0.2", "-W", "2", IP_B))
                    .contains("3 received");
            assertThat(run(
                            "ip", "netns", "exec", instanceB, "ping", "-c", "2", "-M", "do", "-s", "1422", "-W", "2",
                            IP_A))
                    .contains("2 received");

            // one server per direction: a server still closing the last test answers "busy"
            Lab.Background server = pair.iperf3ServerInB("iperf3-server", 5201, false);
            Lab.Background reverseServer = pair.iperf3ServerInB("iperf3-server-reverse", 5202, false);
            long bytes = AgentVersusKernelVxlanTest.iperfBytes(
                    run("ip", "netns", "exec", instanceA, "iperf3", "-c", IP_B, "-n", "4M", "-P", "4", "-J"));
            assertThat(bytes).as("TCP bytes, 4 streams A to B").isGreaterThan(1_000_000);
            long reverse = AgentVersusKernelVxlanTest.iperfBytes(run(
                    "ip", "netns", "exec", instanceA, "iperf3", "-c", IP_B, "-p", "5202", "-n", "4M", "-P", "4", "-R",
                    "-J"));
            assertThat(reverse).as("TCP bytes, 4 streams B to A").isGreaterThan(1_000_000);
            server.stop();
            reverseServer.stop();

            assertThat(agentA.stop()).as(agentA.output()).isZero();
            assertThat(agentB.stop()).as(agentB.output()).isZero();
            for (Lab.Background agent : List.of(agentA, agentB)) {
                assertThat(agent.output()).contains("event loops: " + LOOPS).contains("with 2 queues");
                AgentCounters counters = AgentCounters.lastIn(agent.output());
                long underlayIn = 0;
                long portFramesIn = 0;
                for (int loop = 0; loop < LOOPS; loop++) {
                    String group = "loop/" + loop;
                    long carried = counters.get(group, "underlayIn") + counters.get(group, "portFramesIn");
                    assertThat(carried)
                            .as("frames carried by loop %d of %s: %s", loop, agent.name, counters)
                            .isPositive();
                    underlayIn += counters.get(group, "underlayIn");
                    portFramesIn += counters.get(group, "portFramesIn");
                }
                assertThat(underlayIn).as(counters.toString()).isEqualTo(counters.get("host", "packetsIn"));
                String port = agent == agentA ? "port/a" : "port/b";
                assertThat(portFramesIn).as(counters.toString()).isEqualTo(counters.get(port, "packetsIn"));
            }
            String namespaces = run("ip", "netns", "list");
            assertThat(namespaces).doesNotContain(instanceA).doesNotContain(instanceB);
        }
    }
}
