package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vpclab.agent.linux.Lab;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.TopologyApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.TopologyReport;
import io.vpclab.controlplane.publicnetwork.PublicNetworkProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The five data paths users run, between the real Linux stacks of netns instances behind two agent
 * processes that follow the control plane (see {@link TwoAgentMachines}), with the agents'
 * {@code --offloads all} and {@code none}: one subnet, two subnets of one VPC (routed), a VPC
 * peering, out through a NAT gateway to a netns internet host, and from an internet host in to an
 * instance's elastic IP. The resources are those {@code bin/bench-vs-kernel --instances} measures
 * ({@code benchmarks/scripts/instances-topology.yaml}, applied once per offload setting with this
 * lab's host names), every path crossing the VXLAN underlay once. Per path: ping, the largest ping
 * that fits the instance's MTU with DF set, and iperf3 TCP both ways; on the one-way paths (only
 * the instance opens through a NAT gateway, only the internet host opens to an elastic IP) "both
 * ways" is data both ways on a connection opened the allowed way ({@code iperf3 -R}).
 */
@ParameterizedClass(name = "--offloads {0}")
@ValueSource(strings = {"all", "none"})
class FivePathsLinuxTest {

    private static final Path TOPOLOGY = Path.of("..", "benchmarks", "scripts", "instances-topology.yaml");
    private static final int IPERF3_PORT = 5201;
    private static final int UDP_PORT = 5301;
    /** Enough to show a stream; each run sends 4 MB (bounded by bytes, not seconds: CI time). */
    private static final long MIN_BYTES = 1_000_000L;

    /** The agents' --offloads for this invocation (the machines are started with it, once). */
    @Parameter
    String offloads;

    private static TwoAgentMachines machines;
    private static final Map<DataPath, Ends> ENDS = new EnumMap<>(DataPath.class);
    private static final List<String> NAMESPACES = new ArrayList<>();

    /** A path's two ends: the client opens to the server; {@code clientIp} is null where the server may not open. */
    record Ends(String clientNamespace, String serverNamespace, String serverIp, String clientIp) {}

    enum DataPath {
        SAME_SUBNET,
        ROUTED,
        PEERING,
        NAT_GATEWAY,
        ELASTIC_IP
    }

    @BeforeParameterizedClassInvocation
    static void machinesWithEveryPath(String offloads) throws Exception {
        machines = TwoAgentMachines.start(offloads, "iperf3", "ping", "timeout");
        String webHost = "web" + machines.lab.id;
        String visitorHost = "visitor" + machines.lab.id;
        String topology = Files.readString(TOPOLOGY)
                .replace("bench-web", webHost)
                .replace("bench-visitor", visitorHost)
                .replace("host: bench-a", "host: " + machines.agentA)
                .replace("host: bench-b", "host: " + machines.agentB);
        TopologyReport report = new TopologyApi(machines.controlPlane.admin()).applyTopology(topology);
        assertThat(report.getChanges())
                .as("the topology was applied: %s", report)
                .isNotEmpty();
        Map<String, Instance> instances = new HashMap<>();
        new InstancesApi(machines.controlPlane.admin())
                .listInstances(null, null, null, 1000, null)
                .getItems()
                .forEach(i -> instances.put(i.getName(), i));
        String web = "vl-" + PublicNetworkProperties.internetHostId(webHost);
        String visitor = "vl-" + PublicNetworkProperties.internetHostId(visitorHost);
        for (Instance instance : instances.values()) {
            NAMESPACES.add("vl-" + instance.getInstanceId());
        }
        NAMESPACES.addAll(List.of(web, visitor));
        await().atMost(TwoAgentMachines.CONVERGENCE)
                .until(() -> machines.converged()
                        && NAMESPACES.stream().allMatch(n -> Files.exists(Path.of("/run/netns", n))));

        String client = "vl-" + instances.get("client").getInstanceId();
        String clientIp = instances.get("client").getPrivateIpAddress();
        ENDS.put(DataPath.SAME_SUBNET, symmetric(client, clientIp, instances.get("same-subnet-server")));
        ENDS.put(DataPath.ROUTED, symmetric(client, clientIp, instances.get("routed-server")));
        ENDS.put(DataPath.PEERING, symmetric(client, clientIp, instances.get("peer-server")));
        ENDS.put(
                DataPath.NAT_GATEWAY,
                new Ends("vl-" + instances.get("nat-client").getInstanceId(), web, address(topology, webHost), null));
        Instance eipServer = instances.get("eip-server");
        assertThat(eipServer.getPublicIp())
                .as("the elastic IP of %s", eipServer)
                .isNotBlank();
        ENDS.put(
                DataPath.ELASTIC_IP,
                new Ends(visitor, "vl-" + eipServer.getInstanceId(), eipServer.getPublicIp(), null));
    }

    @AfterParameterizedClassInvocation
    static void stopEverything() {
        if (machines != null) {
            machines.close();
            machines = null;
        }
        // the agents remove their namespaces when they stop; whatever one could not is removed here
        NAMESPACES.forEach(n -> Lab.tryRun("ip", "netns", "del", n));
        NAMESPACES.clear();
        ENDS.clear();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DataPath.class)
    void pingFullSizeDfPingAndIperf3BothWays(DataPath path) {
        Ends ends = ENDS.get(path);
        assertThat(ends).as("%s with --offloads %s was set up", path, offloads).isNotNull();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Lab.succeeds(
                        "ip", "netns", "exec", ends.clientNamespace(), "ping", "-c", "1", "-W", "1", ends.serverIp()));
        assertThat(ping(ends.clientNamespace(), ends.serverIp(), "-c", "3", "-i", "0.2"))
                .contains("3 received");
        assertThat(fullSizeDfPing(ends.clientNamespace(), ends.serverIp())).contains("2 received");
        if (ends.clientIp() != null) {
            assertThat(ping(ends.serverNamespace(), ends.clientIp(), "-c", "3", "-i", "0.2"))
                    .contains("3 received");
            assertThat(fullSizeDfPing(ends.serverNamespace(), ends.clientIp())).contains("2 received");
        }

        assertThat(iperf3(path, ends, false))
                .as("iperf3 bytes from the client to the server")
                .isGreaterThan(MIN_BYTES);
        assertThat(iperf3(path, ends, true))
                .as("iperf3 -R bytes from the server to the client, on a connection the client opened")
                .isGreaterThan(MIN_BYTES);
    }

    /**
     * An instance's UDP_SEGMENT writes (with {@code --offloads all}, USO bursts that cross the
     * pipeline whole: translated once by a NAT gateway or elastic IP, cut into datagrams at
     * encapsulation) arrive as every datagram, each with its own length and an intact payload
     * (the receiving kernel drops any whose UDP checksum is wrong).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(DataPath.class)
    void udpSegmentWritesArriveAsEveryDatagramIntact(DataPath path) {
        assumeTrue(Lab.succeeds("python3", "-c", "pass"), "python3 is not installed");
        Ends ends = ENDS.get(path);
        assertThat(ends).as("%s with --offloads %s was set up", path, offloads).isNotNull();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Lab.succeeds(
                        "ip", "netns", "exec", ends.clientNamespace(), "ping", "-c", "1", "-W", "1", ends.serverIp()));
        int gsoSize = routeMtu(ends.clientNamespace(), ends.serverIp()) - 20 - 8;
        int writes = 10;
        int perWrite = 40;

        UdpSegmentProbe.Received received = UdpSegmentProbe.send(
                machines.lab,
                ends.clientNamespace(),
                ends.serverNamespace(),
                ends.serverIp(),
                UDP_PORT,
                gsoSize,
                writes,
                perWrite);

        assertThat(received.good()).as("datagrams arrived intact over %s", path).isEqualTo(writes * perWrite);
        assertThat(received.bad())
                .as("datagrams with a wrong length or payload")
                .isZero();
        String agentA = machines.agentOutput(machines.agentA);
        if (offloads.equals("all") && agentA.matches("(?s).*kernel offers:[a-z0-9_ ]* uso4.*")) {
            assertThat(agentA).as("the instances' TAPs took USO").contains("uso=on");
        } else {
            assertThat(agentA).doesNotContain("uso=on");
        }
    }

    private static Ends symmetric(String client, String clientIp, Instance server) {
        return new Ends(client, "vl-" + server.getInstanceId(), server.getPrivateIpAddress(), clientIp);
    }

    /** The address the topology file gives the internet host {@code name}. */
    private static String address(String topology, String name) {
        Matcher m = Pattern.compile("name: " + name + ", ip: ([0-9.]+)").matcher(topology);
        assertThat(m.find()).as("internet host %s in the topology", name).isTrue();
        return m.group(1);
    }

    private static String ping(String namespace, String target, String... options) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "ping", "-W", "2"));
        command.addAll(List.of(options));
        command.add(target);
        return Lab.exec(command.toArray(String[]::new)).output();
    }

    /** The largest ICMP echo that fits the MTU of the namespace's route to {@code target}, not fragmented. */
    private static String fullSizeDfPing(String namespace, String target) {
        int payload = routeMtu(namespace, target) - 20 - 8;
        return ping(namespace, target, "-c", "2", "-M", "do", "-s", "" + payload);
    }

    private static int routeMtu(String namespace, String target) {
        String device = Lab.run("ip", "-n", namespace, "route", "get", target).replaceAll("(?s).* dev (\\S+).*", "$1");
        String link = Lab.run("ip", "-n", namespace, "-o", "link", "show", "dev", device);
        int mtu = Integer.parseInt(link.replaceAll("(?s).* mtu (\\d+).*", "$1"));
        assertThat(mtu).as("MTU of %s in %s", device, namespace).isBetween(576, 1450);
        return mtu;
    }

    /**
     * One bounded iperf3 TCP run from the client's namespace (reverse: the server sends) to a
     * one-test server, which must then end cleanly (its connections closed across the path); the
     * bytes received.
     */
    private static long iperf3(DataPath path, Ends ends, boolean reverse) {
        int port = reverse ? IPERF3_PORT + 1 : IPERF3_PORT;
        Lab.Background server = machines.lab.start(
                "iperf3-" + path + "-" + port,
                List.of("ip", "netns", "exec", ends.serverNamespace(), "iperf3", "-s", "-1", "-p", "" + port));
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Lab.succeeds(
                            "ip",
                            "netns",
                            "exec",
                            ends.serverNamespace(),
                            "sh",
                            "-c",
                            "ss -ltn | grep -q ':" + port + " '"));
            List<String> command = new ArrayList<>(List.of(
                    "timeout",
                    "30",
                    "ip",
                    "netns",
                    "exec",
                    ends.clientNamespace(),
                    "iperf3",
                    "-c",
                    ends.serverIp(),
                    "-p",
                    "" + port,
                    "-n",
                    "4M",
                    "--connect-timeout",
                    "5000",
                    "-J"));
            if (reverse) {
                command.add("-R");
            }
            Lab.Result result = Lab.exec(command.toArray(String[]::new));
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).doesNotContain("\"error\"");
            await().atMost(Duration.ofSeconds(15)).until(() -> !server.process.isAlive());
            assertThat(server.process.exitValue()).as(server.output()).isZero();
            return TwoAgentMachines.receivedBytes(result.output());
        } finally {
            server.stop();
        }
    }
}
