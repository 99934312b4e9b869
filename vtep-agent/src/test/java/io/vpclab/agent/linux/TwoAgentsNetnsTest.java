package io.vpclab.agent.linux;

import static io.vpclab.agent.linux.Lab.run;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two agents in two namespaces joined by a veth underlay, each given a static table (--table)
 * with one {@code netns} instance: the agents create the instance namespaces, ping and iperf3
 * TCP cross the tunnel, and stopping the agents deletes the namespaces they created. With
 * {@code --offloads all} the instances' TAPs carry the virtio-net header, checksum offload and TSO
 * (64 KB bursts read, segmented for the pipeline); with {@code none} they are plain.
 */
class TwoAgentsNetnsTest {

    private static final int VNI = 0xFFFFFF;
    private static final NetnsPairTable TABLE = new NetnsPairTable(VNI, "10.94.0.0/24", 0);
    private static final String MAC_A = "02:00:0a:5e:00:0a";
    private static final String IP_A = "10.94.0.10";
    private static final String IP_B = "10.94.0.11";
    private static final StaticTableAgentPair.Instance A = new StaticTableAgentPair.Instance(MAC_A, IP_A);
    private static final StaticTableAgentPair.Instance B = new StaticTableAgentPair.Instance("02:00:0a:5e:00:0b", IP_B);

    @ParameterizedTest(name = "--offloads {0}")
    @ValueSource(strings = {"all", "none"})
    void instancesBehindTwoAgentsPingAndMoveTcpBytes(String offloads) throws Exception {
        Lab.assumeLinuxRootWith("iperf3");
        try (Lab lab = new Lab();
                StaticTableAgentPair pair =
                        new StaticTableAgentPair(lab, TABLE, "vli", "192.168.94", "v", A, B, "--offloads", offloads)) {
            String instanceA = pair.instanceA;
            String instanceB = pair.instanceB;
            Lab.Background agentA = pair.agentA;
            Lab.Background agentB = pair.agentB;
            assertThat(run("ip", "netns", "exec", instanceA, "ping", "-c", "3", "-i", "0.2", "-W", "2", IP_B))
                    .contains("3 received");
            assertThat(run("ip", "netns", "exec", instanceB, "ping", "-c", "3", "-i", "0.2", "-W", "2", IP_A))
                    .contains("3 received");
            // a full-size frame (1450-byte packet in a 1500-byte underlay datagram), DF set, both ways
            assertThat(run(
                            "ip", "netns", "exec", instanceA, "ping", "-c", "2", "-M", "do", "-s", "1422", "-W", "2",
                            IP_B))
                    .contains("2 received");
            assertThat(run(
                            "ip", "netns", "exec", instanceB, "ping", "-c", "2", "-M", "do", "-s", "1422", "-W", "2",
                            IP_A))
                    .contains("2 received");
            // the instance got the table's MAC, address and MTU
            assertThat(run("ip", "-n", instanceA, "-o", "link", "show", pair.tapA))
                    .contains("mtu 1450")
                    .contains(MAC_A);

            Lab.Background server = pair.iperf3ServerInB("iperf3-server", 5201, false);
            long bytes = AgentVersusKernelVxlanTest.iperfBytes(
                    run("ip", "netns", "exec", instanceA, "iperf3", "-c", IP_B, "-n", "4M", "-J"));
            assertThat(bytes).as("TCP bytes across two agents, A to B").isGreaterThan(1_000_000);
            long reverse = AgentVersusKernelVxlanTest.iperfBytes(
                    run("ip", "netns", "exec", instanceA, "iperf3", "-c", IP_B, "-n", "4M", "-R", "-J"));
            assertThat(reverse).as("TCP bytes across two agents, B to A").isGreaterThan(1_000_000);
            server.stop();

            assertThat(agentA.stop()).as(agentA.output()).isZero();
            assertThat(agentB.stop()).as(agentB.output()).isZero();
            assertThat(agentA.output()).contains("\"port/a\"").contains("stopped");
            if (offloads.equals("all")) {
                assertThat(agentA.output())
                        .as("the port's TAP got the virtio-net header and TSO")
                        .contains("offloads: vnet_hdr=on csum=on tso4=on");
            } else {
                assertThat(agentA.output()).doesNotContain("vnet_hdr=on");
            }
            // each agent removed the namespace it created for its instance
            String namespaces = run("ip", "netns", "list");
            assertThat(namespaces).doesNotContain(instanceA).doesNotContain(instanceB);
        }
    }
}
