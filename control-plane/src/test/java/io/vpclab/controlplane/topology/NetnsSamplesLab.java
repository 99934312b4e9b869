package io.vpclab.controlplane.topology;

import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.agent.linux.Lab;
import io.vpclab.client.ApiClient;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.TopologyReport;
import io.vpclab.controlplane.TestServers;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import io.vpclab.topology.Topology;
import io.vpclab.topology.Topology.Expectation;
import io.vpclab.topology.TopologyParser;
import io.vpclab.topology.apply.TopologyApplier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The lab the netns sample tests share, one per test class: a server and three in-process agents
 * named like the demo's hosts (demo-host-1..3) that run netns instances, so the samples' pins hold
 * and every instance applied with {@code --instance-kind netns} is a network namespace with a real
 * Linux stack. Helpers apply a sample (all or some of its expectations), find its instances, and
 * start servers inside their namespaces.
 */
final class NetnsSamplesLab implements AutoCloseable {

    static final Path SAMPLES = Path.of("..", "topology-samples");
    /** curl's exit code for a timeout (a refused connection is 7). */
    static final int CURL_TIMED_OUT = 28;

    /** Answers every datagram with its own bytes: a UDP echo server (RFC 862) in a namespace. */
    private static final String UDP_ECHO = """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((sys.argv[1], int(sys.argv[2])))
            while True:
                data, peer = s.recvfrom(65535)
                s.sendto(data, peer)
            """;

    final ApiClient admin;
    private final ConfigurableApplicationContext server;
    private final List<FollowAgent> agents;

    private NetnsSamplesLab(ConfigurableApplicationContext server, ApiClient admin, List<FollowAgent> agents) {
        this.server = server;
        this.admin = admin;
        this.agents = agents;
    }

    /** Skips the calling class unless it runs as root on Linux with the tools; then starts the lab. */
    static NetnsSamplesLab start(String name, String... tools) throws Exception {
        List<String> needed = new ArrayList<>(List.of("ip", "ping", "timeout", "bash", "python3"));
        needed.addAll(List.of(tools));
        Lab.assumeLinuxRootWith(needed.toArray(String[]::new));
        String token = name + "-" + UUID.randomUUID();
        ConfigurableApplicationContext server = TestServers.start(
                Path.of("target", "test-data", name + "-" + UUID.randomUUID()), "--vpclab.admin-token=" + token);
        ApiClient admin = TestServers.client(server, token);
        URI uri = URI.create("http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port"));
        int udpBase = FreeUdpPorts.consecutive(3);
        Path state = Files.createTempDirectory(name + "-agents");
        List<FollowAgent> agents = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String host = "demo-host-" + i;
            agents.add(FollowAgent.start(FollowAgent.Options.builder(
                            uri, token, host, "127.0.0.1", udpBase + i - 1, state.resolve(host + ".properties"))
                    .capabilities(List.of(InstanceKind.SIMULATED, InstanceKind.NETNS))
                    .build()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> agents.stream().allMatch(a -> a.appliedGeneration() >= 0));
        return new NetnsSamplesLab(server, admin, agents);
    }

    /** Terminates every instance (this fresh server's are all the class's), then removes any namespace left behind. */
    @Override
    public void close() throws Exception {
        List<Instance> instances = new InstancesApi(admin)
                .listInstances(null, null, null, 1000, null)
                .getItems();
        for (Instance instance : instances) {
            new InstancesApi(admin).terminateInstance(instance.getInstanceId());
        }
        agents.forEach(FollowAgent::close);
        instances.forEach(i -> Lab.tryRun("ip", "netns", "del", namespace(i)));
        server.close();
    }

    /** The sample as its file says, with netns instances. */
    static Topology sample(String sample) throws Exception {
        Path file = SAMPLES.resolve(sample).resolve("topology.yaml");
        return TopologyParser.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Applies the sample with netns instances, keeping only the expectations {@code keep} admits, and no steps. */
    TopologyReport apply(String sample, Predicate<Expectation> keep) throws Exception {
        Topology topology = sample(sample);
        return apply(new Topology(
                topology.name(),
                topology.description(),
                topology.hosts(),
                topology.internetHosts(),
                topology.tenants(),
                topology.peerings(),
                topology.expect().stream().filter(keep).toList(),
                List.of()));
    }

    /** Applies a topology with netns instances. */
    TopologyReport apply(Topology topology) throws Exception {
        return new TopologyApplier(admin, new TopologyApplier.Options(InstanceKind.NETNS, Duration.ofSeconds(60)))
                .apply(topology);
    }

    /** Applies the sample's network alone: its instances' namespaces exist once it returns. */
    TopologyReport network(String sample) throws Exception {
        return apply(sample, e -> false);
    }

    /** An instance by VPC and name: the samples share one server, and some of them reuse a name. */
    Instance instance(String vpcName, String name) throws Exception {
        return new InstancesApi(admin)
                .listInstances(null, null, null, 1000, null).getItems().stream()
                        .filter(i -> vpcName.equals(i.getVpcName()) && name.equals(i.getName()))
                        .findFirst()
                        .orElseThrow();
    }

    /** The agent names an instance's namespace after its port, the instance ID. */
    static String namespace(Instance instance) {
        return "vl-" + instance.getInstanceId();
    }

    /** A TCP server (python3's HTTP server) on the instance's address, answering until the lab closes or the namespace goes. */
    static Lab.Background tcpServer(Lab lab, Instance instance, int port) {
        Lab.Background server = lab.start(
                "tcp-" + port,
                List.of(
                        "ip",
                        "netns",
                        "exec",
                        namespace(instance),
                        "timeout",
                        "300",
                        "python3",
                        "-m",
                        "http.server",
                        String.valueOf(port),
                        "--bind",
                        instance.getPrivateIpAddress()));
        awaitListening(instance, "-ltn", port);
        return server;
    }

    /** A UDP echo server on the instance's address. */
    static Lab.Background udpEcho(Lab lab, Instance instance, int port) {
        Lab.Background server = lab.start(
                "udp-" + port,
                List.of(
                        "ip",
                        "netns",
                        "exec",
                        namespace(instance),
                        "timeout",
                        "300",
                        "python3",
                        "-c",
                        UDP_ECHO,
                        instance.getPrivateIpAddress(),
                        String.valueOf(port)));
        awaitListening(instance, "-lun", port);
        return server;
    }

    private static void awaitListening(Instance instance, String ssOptions, int port) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Lab.tryRun("ip", "netns", "exec", namespace(instance), "ss", ssOptions)
                        .contains(instance.getPrivateIpAddress() + ":" + port + " "));
    }

    /** curl from an instance's namespace: its exit code and the HTTP status it printed. */
    static Lab.Result curl(Instance from, String address, int port) {
        return Lab.exec(
                "ip",
                "netns",
                "exec",
                namespace(from),
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-m",
                "3",
                "http://" + address + ":" + port + "/");
    }
}
