package io.vpclab.agent.linux;

import static io.vpclab.agent.linux.Lab.run;
import static io.vpclab.agent.linux.Lab.succeeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two agents in point-to-point mode ({@code --tap}), as the benchmark runs them: a persistent
 * TAP with the overlay address in each of two namespaces, a veth underlay between them. Ping
 * (full size with DF) and iperf3 TCP both ways, with every offload, with none (the plain
 * path), and with TSO forced off (the fast path on single frames with partial checksums).
 * The agents run the pipeline ({@code PointToPointAgent}). With TSO on, the counters prove the
 * burst path: the pipeline took the kernel's 64 KB TSO bursts whole, cut them into segments that
 * left in UDP GSO sends, and the far side merged them again into bursts.
 */
class TwoPointToPointAgentsTest {

    private static final int VNI = 0x800001;
    private static final String UNDERLAY_A = "192.168.95.1";
    private static final String UNDERLAY_B = "192.168.95.2";
    private static final String OVERLAY_A = "10.95.0.1";
    private static final String OVERLAY_B = "10.95.0.2";

    @ParameterizedTest(name = "--offloads {0}")
    @ValueSource(strings = {"all", "none", "csum,tso,udp-gso", "csum,udp-gso,udp-gro"})
    void pingAndTcpBothWays(String offloads) throws Exception {
        Lab.assumeLinuxRootWith("iperf3");
        try (Lab lab = new Lab()) {
            String hostA = lab.namespace("pa");
            String hostB = lab.namespace("pb");
            lab.joinByVeth(hostA, hostB, "p", UNDERLAY_A, UNDERLAY_B);
            for (String[] side : new String[][] {{hostA, OVERLAY_A}, {hostB, OVERLAY_B}}) {
                run("ip", "-n", side[0], "tuntap", "add", "dev", "vtap0", "mode", "tap");
                run("ip", "-n", side[0], "addr", "add", side[1] + "/24", "dev", "vtap0");
                run("ip", "-n", side[0], "link", "set", "vtap0", "mtu", "1450", "up");
            }
            Lab.Background agentA = lab.start(
                    "agent-a",
                    Lab.agentCommand(
                            hostA,
                            "--tap",
                            "vtap0",
                            "--vni",
                            Integer.toString(VNI),
                            "--local",
                            UNDERLAY_A,
                            "--remote",
                            UNDERLAY_B,
                            "--offloads",
                            offloads));
            Lab.Background agentB = lab.start(
                    "agent-b",
                    Lab.agentCommand(
                            hostB,
                            "--tap",
                            "vtap0",
                            "--vni",
                            Integer.toString(VNI),
                            "--local",
                            UNDERLAY_B,
                            "--remote",
                            UNDERLAY_A,
                            "--offloads",
                            offloads));
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !agentA.process.isAlive()
                            || !agentB.process.isAlive()
                            || succeeds("ip", "netns", "exec", hostA, "ping", "-c", "1", "-W", "1", OVERLAY_B));
            assertThat(agentA.process.isAlive()).as(agentA.output()).isTrue();
            assertThat(agentB.process.isAlive()).as(agentB.output()).isTrue();

            assertThat(run("ip", "netns", "exec", hostA, "ping", "-c", "3", "-i", "0.2", "-W", "2", OVERLAY_B))
                    .contains("3 received");
            assertThat(run("ip", "netns", "exec", hostB, "ping", "-c", "3", "-i", "0.2", "-W", "2", OVERLAY_A))
                    .contains("3 received");
            assertThat(run(
                            "ip", "netns", "exec", hostA, "ping", "-c", "1", "-W", "2", "-M", "do", "-s", "1422",
                            OVERLAY_B))
                    .contains("1 received");

            lab.start("iperf3-server", List.of("ip", "netns", "exec", hostB, "iperf3", "-s", "-B", OVERLAY_B));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Lab.tryRun("ip", "netns", "exec", hostB, "ss", "-Htln", "sport", "=", ":5201")
                            .contains("5201"));
            long aToB = AgentVersusKernelVxlanTest.iperfBytes(
                    run("ip", "netns", "exec", hostA, "iperf3", "-c", OVERLAY_B, "-n", "4M", "-J"));
            long bToA = AgentVersusKernelVxlanTest.iperfBytes(
                    run("ip", "netns", "exec", hostA, "iperf3", "-c", OVERLAY_B, "-n", "4M", "-R", "-J"));
            assertThat(aToB).as("TCP bytes A -> B").isGreaterThan(1_000_000);
            assertThat(bToA).as("TCP bytes B -> A").isGreaterThan(1_000_000);

            assertThat(agentA.stop()).as(agentA.output()).isZero();
            assertThat(agentB.stop()).as(agentB.output()).isZero();
            // the TAPs were made without multi_queue: --event-loops auto (the default) falls back to one loop
            assertThat(agentA.output()).contains("event loops: 1");
            if (Runtime.getRuntime().availableProcessors() > 1) {
                assertThat(agentA.output()).contains("refused").contains("one queue");
            }
            AgentCounters a = AgentCounters.lastIn(agentA.output());
            AgentCounters b = AgentCounters.lastIn(agentB.output());
            assertThat(a.get("tunnel", "encapsulatedFrames")).as(a.toString()).isPositive();
            assertThat(b.get("tunnel", "decapsulatedFrames")).as(b.toString()).isPositive();
            switch (offloads) {
                case "all" -> assertBurstsCrossed(agentA.output(), a, b);
                case "none" -> {
                    assertThat(a.get("offloads", "vnetHeader")).as(a.toString()).isZero();
                    assertThat(a.get("underlay", "gsoSends")).as(a.toString()).isZero();
                }
                case "csum,tso,udp-gso" -> {
                    // bursts cut and sent with GSO, received one datagram at a time (no GRO)
                    assertThat(a.get("offload", "tsoBursts")).as(a.toString()).isPositive();
                    assertThat(a.get("offload", "tsoBurstsWhole"))
                            .as(a.toString())
                            .isPositive();
                    assertThat(a.get("underlay", "gsoSends")).as(a.toString()).isPositive();
                    assertThat(b.get("underlay", "udpGro")).as(b.toString()).isZero();
                }
                default -> {
                    // TSO forced off: single frames only, their partial checksums completed by the agent
                    assertThat(agentA.output()).contains("offloads: vnet_hdr=on csum=on tso4=off");
                    assertThat(a.get("offload", "tsoBursts")).as(a.toString()).isZero();
                    assertThat(a.get("offload", "segmentRefusals"))
                            .as(a.toString())
                            .isZero();
                }
            }
        }
    }

    /** The kernel gave A bursts of many segments; A sent them with GSO; B merged segments back into bursts. */
    private static void assertBurstsCrossed(String outputA, AgentCounters a, AgentCounters b) {
        assertThat(outputA).contains("offloads: vnet_hdr=on csum=on tso4=on").contains("udp_gso=on udp_gro=on");
        assertThat(a.get("offload", "tsoBursts")).as(a.toString()).isPositive();
        // the pipeline took every burst whole (unknown unicast to the one remote VTEP goes as a known one)
        assertThat(a.get("offload", "tsoBurstsWhole")).as(a.toString()).isEqualTo(a.get("offload", "tsoBursts"));
        assertThat(a.get("offload", "segmentRefusals")).as(a.toString()).isZero();
        assertThat(a.get("underlay", "gsoSends")).as(a.toString()).isPositive();
        assertThat(a.get("underlay", "gsoSegments")).as(a.toString()).isGreaterThan(4 * a.get("underlay", "gsoSends"));
        assertThat(b.get("offload", "coalescedBursts")).as(b.toString()).isPositive();
        // fewer, larger TAP writes than datagrams received: the receiving stack saw bursts
        assertThat(b.get("tap/vtap0", "framesWritten"))
                .as(b.toString())
                .isLessThan(b.get("tunnel", "decapsulatedFrames") / 2);
        assertThat(b.get("offload", "coalescerChecksumFailures"))
                .as(b.toString())
                .isZero();
    }
}
