package io.vpclab.agent.linux;

import static io.vpclab.agent.linux.Lab.run;
import static io.vpclab.agent.linux.Lab.succeeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One agent in point-to-point mode (the pipeline with one TAP port and one remote VTEP) against the Linux kernel's own {@code vxlan} device, each in
 * its own namespace, joined by a veth underlay: ping and iperf3 TCP both ways, and a capture of
 * the underlay that tshark decodes as VXLAN with the right VNI in both directions. Run with
 * every offload (the kernel peer must accept the agent's userspace segments and checksums, and
 * the agent merges the kernel's segments) and with none (the plain path).
 */
class AgentVersusKernelVxlanTest {

    private static final int VNI = 0x800123; // high bit set: a sign-extension bug would show
    private static final String AGENT_UNDERLAY = "192.168.93.1";
    private static final String KERNEL_UNDERLAY = "192.168.93.2";
    private static final String AGENT_OVERLAY = "10.93.0.1";
    private static final String KERNEL_OVERLAY = "10.93.0.2";
    /** Headers only and a bounded count: the pings and the start of the first iperf3 run. */
    private static final int CAPTURED_PACKETS = 3000;

    @ParameterizedTest(name = "--offloads {0}, kernel veth tx checksum offload {1}, --event-loops {2}")
    @CsvSource({"all,off,1", "none,off,1", "all,on,1", "all,off,2"})
    void pingIperfBothWaysAndTheWireDecodesAsVxlan(String offloads, String kernelTxChecksum, int eventLoops)
            throws Exception {
        Lab.assumeLinuxRootWith("iperf3", "tshark", "tcpdump", "ethtool", "bridge");
        try (Lab lab = new Lab()) {
            String agentNs = lab.namespace("a");
            String kernelNs = lab.namespace("k");
            String agentVeth = "vlua" + lab.id;
            String kernelVeth = "vluk" + lab.id;
            run(
                    "ip",
                    "link",
                    "add",
                    agentVeth,
                    "netns",
                    agentNs,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    kernelVeth,
                    "netns",
                    kernelNs);
            run("ip", "-n", agentNs, "addr", "add", AGENT_UNDERLAY + "/24", "dev", agentVeth);
            run("ip", "-n", kernelNs, "addr", "add", KERNEL_UNDERLAY + "/24", "dev", kernelVeth);
            run("ip", "-n", agentNs, "link", "set", agentVeth, "up");
            run("ip", "-n", kernelNs, "link", "set", kernelVeth, "up");
            // a veth never fills in the partial inner checksums the kernel's vxlan leaves for a NIC:
            // the plain path needs them complete; the fast path passes them on partial (NEEDS_CSUM)
            run("ip", "netns", "exec", kernelNs, "ethtool", "-K", kernelVeth, "tx", kernelTxChecksum);

            if (eventLoops > 1) { // one queue per event loop
                run("ip", "-n", agentNs, "tuntap", "add", "dev", "vtap0", "mode", "tap", "multi_queue");
            } else {
                run("ip", "-n", agentNs, "tuntap", "add", "dev", "vtap0", "mode", "tap");
            }
            run("ip", "-n", agentNs, "addr", "add", AGENT_OVERLAY + "/24", "dev", "vtap0");
            run("ip", "-n", agentNs, "link", "set", "vtap0", "mtu", "1450", "up");

            run(
                    "ip",
                    "-n",
                    kernelNs,
                    "link",
                    "add",
                    "vx0",
                    "type",
                    "vxlan",
                    "id",
                    Integer.toString(VNI),
                    "dstport",
                    "4789",
                    "local",
                    KERNEL_UNDERLAY,
                    "nolearning");
            run("bridge", "-n", kernelNs, "fdb", "append", "00:00:00:00:00:00", "dev", "vx0", "dst", AGENT_UNDERLAY);
            run("ip", "-n", kernelNs, "addr", "add", KERNEL_OVERLAY + "/24", "dev", "vx0");
            run("ip", "-n", kernelNs, "link", "set", "vx0", "mtu", "1450", "up");

            Path pcap = Files.createTempFile("vl-underlay-", ".pcap");
            Lab.Background capture = lab.start(
                    "tcpdump",
                    List.of(
                            "ip",
                            "netns",
                            "exec",
                            kernelNs,
                            "tcpdump",
                            "-i",
                            kernelVeth,
                            "-U",
                            "-n",
                            "-s",
                            "160",
                            "-c",
                            Integer.toString(CAPTURED_PACKETS),
                            "-w",
                            pcap.toString(),
                            "udp",
                            "port",
                            "4789"));
            await().atMost(Duration.ofSeconds(10)).until(() -> capture.output().contains("listening on"));

            Lab.Background agent = lab.start(
                    "agent",
                    Lab.agentCommand(
                            agentNs,
                            "--tap",
                            "vtap0",
                            "--vni",
                            Integer.toString(VNI),
                            "--local",
                            AGENT_UNDERLAY,
                            "--remote",
                            KERNEL_UNDERLAY,
                            "--offloads",
                            offloads,
                            "--event-loops",
                            Integer.toString(eventLoops)));
            // the first ping that gets through also proves the JVM is up
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !agent.process.isAlive()
                            || succeeds("ip", "netns", "exec", agentNs, "ping", "-c", "1", "-W", "1", KERNEL_OVERLAY));
            assertThat(agent.process.isAlive()).as(agent.output()).isTrue();

            assertThat(run("ip", "netns", "exec", agentNs, "ping", "-c", "3", "-i", "0.2", "-W", "2", KERNEL_OVERLAY))
                    .contains("3 received");
            assertThat(run("ip", "netns", "exec", kernelNs, "ping", "-c", "3", "-i", "0.2", "-W", "2", AGENT_OVERLAY))
                    .contains("3 received");
            // a full-size inner packet with DF: 1450 B inside a 1500 B underlay packet
            assertThat(run(
                            "ip",
                            "netns",
                            "exec",
                            agentNs,
                            "ping",
                            "-c",
                            "1",
                            "-W",
                            "2",
                            "-M",
                            "do",
                            "-s",
                            "1422",
                            KERNEL_OVERLAY))
                    .contains("1 received");

            Lab.Background server = lab.start(
                    "iperf3-server", List.of("ip", "netns", "exec", kernelNs, "iperf3", "-s", "-B", KERNEL_OVERLAY));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Lab.tryRun("ip", "netns", "exec", kernelNs, "ss", "-Htln", "sport", "=", ":5201")
                            .contains("5201"));
            // by time, not bytes: with offloads a few MB cross the veth as a few dozen GSO datagrams,
            // too few for the capture below to show both directions' encapsulation
            long agentToKernel =
                    iperfBytes(run("ip", "netns", "exec", agentNs, "iperf3", "-c", KERNEL_OVERLAY, "-t", "2", "-J"));
            long kernelToAgent = iperfBytes(
                    run("ip", "netns", "exec", agentNs, "iperf3", "-c", KERNEL_OVERLAY, "-t", "2", "-R", "-J"));
            assertThat(agentToKernel).as("TCP bytes agent -> kernel").isGreaterThan(1_000_000);
            assertThat(kernelToAgent).as("TCP bytes kernel -> agent").isGreaterThan(1_000_000);

            assertThat(agent.stop()).as(agent.output()).isZero();
            assertThat(agent.output()).contains("counters {\"tunnel\"").contains("stopped");
            AgentCounters counters = AgentCounters.lastIn(agent.output());
            if (offloads.equals("all")) {
                // the kernel's TSO bursts reached the kernel peer as segments it accepted (the bytes above)
                assertThat(counters.get("offload", "tsoBursts"))
                        .as(counters.toString())
                        .isPositive();
                // ... taken whole by the pipeline: unknown unicast toward the one remote VTEP
                assertThat(counters.get("offload", "tsoBurstsWhole"))
                        .as(counters.toString())
                        .isPositive();
                assertThat(counters.get("offload", "segmentRefusals"))
                        .as(counters.toString())
                        .isZero();
                if (kernelTxChecksum.equals("on")) {
                    assertThat(counters.get("offload", "coalescerPartialChecksums"))
                            .as(counters.toString())
                            .isPositive();
                }
            } else {
                assertThat(counters.get("offloads", "vnetHeader"))
                        .as(counters.toString())
                        .isZero();
            }
            if (eventLoops > 1) {
                // every queue of the TAP was opened, one per loop; each loop reports its share
                assertThat(agent.output()).contains("TAP vtap0 with " + eventLoops + " queues");
                assertThat(counters.get("loop/" + (eventLoops - 1), "underlayIn"))
                        .as(counters.toString())
                        .isNotNegative();
                long underlayIn = 0;
                for (int loop = 0; loop < eventLoops; loop++) {
                    underlayIn += counters.get("loop/" + loop, "underlayIn");
                }
                assertThat(underlayIn).as(counters.toString()).isEqualTo(counters.get("host", "packetsIn"));
            }
            capture.stop();

            String decoded = run(
                    "tshark",
                    "-r",
                    pcap.toString(),
                    "-Y",
                    "vxlan",
                    "-T",
                    "fields",
                    "-e",
                    "ip.src",
                    "-e",
                    "vxlan.flags",
                    "-e",
                    "vxlan.vni");
            // tshark's own notes (running as root...) share the output; packets are the tab-separated lines
            List<String> lines = decoded.lines().filter(l -> l.contains("\t")).toList();
            assertThat(lines).hasSizeGreaterThan(100).hasSizeLessThanOrEqualTo(CAPTURED_PACKETS);
            assertThat(lines).allSatisfy(l -> assertThat(l.split("\t")[2]).isEqualTo(Integer.toString(VNI)));
            assertThat(lines).anyMatch(l -> l.startsWith(AGENT_UNDERLAY + "\t"));
            assertThat(lines).anyMatch(l -> l.startsWith(KERNEL_UNDERLAY + "\t"));
            String udp = run("tshark", "-r", pcap.toString(), "-T", "fields", "-e", "frame.protocols");
            List<String> protocols =
                    udp.lines().filter(l -> l.startsWith("eth:")).toList();
            assertThat(protocols).hasSize(lines.size()).allMatch(l -> l.contains(":udp:vxlan:eth:"));
            Files.deleteIfExists(pcap);
        }
    }

    static long iperfBytes(String json) {
        JsonNode end = JsonMapper.builder().build().readTree(json).path("end");
        return end.path("sum_received").path("bytes").asLong();
    }
}
