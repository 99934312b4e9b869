package io.vpclab.controlplane.southbound;

import static io.vpclab.agent.linux.Lab.run;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.linux.Lab;
import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostStatus;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Two agent processes, each in its own network namespace (its "machine"), joined by a veth
 * underlay (192.168.231.1 and .2, MTU 1500) and reaching a control plane in this JVM over a
 * management veth each; the agents follow it with {@code --offloads} as given. Closing stops the
 * agents (they remove the namespaces of their instances), the control plane and the machines.
 * Skips the calling test without root, /dev/net/tun or the tools it needs.
 */
final class TwoAgentMachines implements AutoCloseable {

    static final Duration CONVERGENCE = Duration.ofSeconds(60);
    static final String UNDERLAY_A = "192.168.231.1";
    static final String UNDERLAY_B = "192.168.231.2";

    final Lab lab;
    /** The in-JVM control plane; null when the agents follow one this class does not run. */
    final ControlPlaneLab controlPlane;

    private final int controlPlanePort;
    private final String adminToken;
    /** The agents' names as registered (host names in the API and in topology files). */
    final String agentA;

    final String agentB;

    private final Map<String, Lab.Background> agents = new HashMap<>();

    private TwoAgentMachines(Lab lab, ControlPlaneLab controlPlane) {
        this(lab, controlPlane, controlPlane.uri().getPort(), ControlPlaneLab.ADMIN);
    }

    private TwoAgentMachines(Lab lab, ControlPlaneLab controlPlane, int controlPlanePort, String adminToken) {
        this.lab = lab;
        this.controlPlane = controlPlane;
        this.controlPlanePort = controlPlanePort;
        this.adminToken = adminToken;
        this.agentA = "agent-a-" + lab.id;
        this.agentB = "agent-b-" + lab.id;
    }

    /** Starts the control plane and both agents and waits until both are connected. */
    static TwoAgentMachines start(String offloads, String... tools) throws Exception {
        Lab.assumeLinuxRootWith(
                Stream.concat(Stream.of("ip", "nsenter"), Stream.of(tools)).toArray(String[]::new));
        TwoAgentMachines machines = new TwoAgentMachines(new Lab(), new ControlPlaneLab());
        try {
            machines.boot(offloads);
        } catch (Exception | Error e) {
            machines.close();
            throw e;
        }
        return machines;
    }

    /**
     * As {@link #start}, the agents following the control plane this class neither starts nor
     * stops, at {@code port} on every address of this machine (a proxy in front of replicas).
     */
    static TwoAgentMachines following(int port, String adminToken, String offloads, String... tools) throws Exception {
        Lab.assumeLinuxRootWith(
                Stream.concat(Stream.of("ip", "nsenter"), Stream.of(tools)).toArray(String[]::new));
        TwoAgentMachines machines = new TwoAgentMachines(new Lab(), null, port, adminToken);
        try {
            machines.bootAgents(offloads);
        } catch (Exception | Error e) {
            machines.close();
            throw e;
        }
        return machines;
    }

    private void boot(String offloads) throws Exception {
        controlPlane.startServer();
        bootAgents(offloads);
    }

    private void bootAgents(String offloads) throws Exception {
        String a = lab.namespace("ma");
        String b = lab.namespace("mb");
        lab.joinByVeth(a, b, "u", UNDERLAY_A, UNDERLAY_B);
        // the /30s in the root namespace vary with the lab id, so two labs on one machine rarely meet
        int block = Integer.parseInt(lab.id, 16) % 64 * 4;
        startAgent(a, agentA, managementLink(a, "a", block), UNDERLAY_A, offloads);
        startAgent(b, agentB, managementLink(b, "b", block + 256), UNDERLAY_B, offloads);
        await().atMost(CONVERGENCE).until(() -> connectedHosts() == 2);
    }

    /** A veth from the root namespace into {@code namespace}; {@code block} picks its /30 in 10.231.0.0/16. */
    private String managementLink(String namespace, String side, int block) {
        String prefix = "10.231." + (block / 256) + ".";
        String rootEnd = prefix + (block % 256 + 1);
        String machineEnd = prefix + (block % 256 + 2);
        String root = "vlm" + side + lab.id;
        run("ip", "link", "add", root, "type", "veth", "peer", "name", "mgmt0", "netns", namespace);
        run("ip", "addr", "add", rootEnd + "/30", "dev", root);
        run("ip", "link", "set", root, "up");
        run("ip", "-n", namespace, "addr", "add", machineEnd + "/30", "dev", "mgmt0");
        run("ip", "-n", namespace, "link", "set", "mgmt0", "up");
        return "http://" + rootEnd + ":" + controlPlanePort;
    }

    private void startAgent(String namespace, String name, String controlPlaneUrl, String underlayIp, String offloads)
            throws Exception {
        Path state = Files.createTempDirectory("vl-agent").resolve(name + ".properties");
        Lab.Background agent = lab.start(
                name,
                Lab.agentCommand(
                        namespace,
                        "--control-plane",
                        controlPlaneUrl,
                        "--token",
                        adminToken,
                        "--underlay-ip",
                        underlayIp,
                        "--name",
                        name,
                        "--state-file",
                        state.toString(),
                        "--offloads",
                        offloads));
        agents.put(name, agent);
    }

    /** What agent {@code name} has logged so far. */
    String agentOutput(String name) {
        return agents.get(name).output();
    }

    long connectedHosts() {
        try {
            return hosts().stream()
                    .filter(h -> h.getStatus() == HostStatus.CONNECTED)
                    .count();
        } catch (ApiException e) {
            return 0;
        }
    }

    /** True when every host has applied its latest desired table. */
    boolean converged() throws ApiException {
        return hosts().stream().allMatch(h -> h.getAppliedGeneration() >= h.getDesiredGeneration());
    }

    String hostId(String agentName) throws ApiException {
        return hosts().stream()
                .filter(h -> h.getName().equals(agentName))
                .map(Host::getHostId)
                .findFirst()
                .orElseThrow();
    }

    private List<Host> hosts() throws ApiException {
        return new HostsApi(
                        io.vpclab.controlplane.TestServers.client("http://127.0.0.1:" + controlPlanePort, adminToken))
                .listHosts(100, null)
                .getItems();
    }

    /**
     * The agent names an instance's namespace after its id (vl-<id>); find it among the namespaces,
     * waiting for it: the agent provisions the port after it acknowledged the table.
     */
    static String namespaceOf(Instance instance) {
        return await().alias("the namespace of " + instance.getInstanceId())
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> Stream.of(run("ip", "netns", "list").split("\n"))
                                .map(line -> line.split(" ")[0])
                                .filter(name -> name.contains(instance.getInstanceId()))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    /** A tenant, its VPC and one subnet in it, as the tests on these machines start. */
    record Network(String tenantId, String vpcId, String subnetId) {

        static Network create(ApiClient admin, String tenant, String vpcCidr, String subnetCidr) throws ApiException {
            String tenantId = new TenantsApi(admin)
                    .createTenant(new TenantCreate().name(tenant))
                    .getTenantId();
            String vpcId = new VpcsApi(admin)
                    .createVpc(new VpcCreate().cidrBlock(vpcCidr).tenantId(tenantId))
                    .getVpcId();
            String subnetId = new SubnetsApi(admin)
                    .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock(subnetCidr))
                    .getSubnetId();
            return new Network(tenantId, vpcId, subnetId);
        }

        /** A netns instance (a real Linux stack) at {@code ip} in the subnet, on {@code hostId}. */
        Instance launchNetns(ApiClient admin, String hostId, String ip) throws ApiException {
            return new InstancesApi(admin)
                    .runInstance(new InstanceCreate()
                            .subnetId(subnetId)
                            .hostId(hostId)
                            .kind(InstanceKind.NETNS)
                            .privateIpAddress(ip));
        }
    }

    /** Waits until a program listens on TCP {@code port} in {@code namespace}. */
    static void awaitListening(String namespace, int port, Duration within) {
        await().atMost(within)
                .until(() -> Lab.succeeds(
                        "ip", "netns", "exec", namespace, "sh", "-c", "ss -ltn | grep -q ':" + port + "'"));
    }

    /** A one-shot iperf3 server on {@code port} in {@code namespace}, listening when this returns. */
    Lab.Background iperf3Server(String name, String namespace, int port) {
        Lab.Background server = lab.start(
                name, List.of("ip", "netns", "exec", namespace, "iperf3", "-s", "-1", "-p", String.valueOf(port)));
        awaitListening(namespace, port, Duration.ofSeconds(10));
        return server;
    }

    /**
     * An iperf3 client in {@code namespace} that sends to {@code serverIp} for 20 s, paced at 20 Mbit/s
     * (50 MB): long enough to span an outage of the control plane, light enough not to starve CI.
     */
    Lab.Background iperf3AcrossAnOutage(String namespace, String serverIp) {
        return lab.start(
                "iperf3-client",
                List.of("ip", "netns", "exec", namespace, "iperf3", "-c", serverIp, "-t", "20", "-b", "20M", "-J"));
    }

    /**
     * Waits until {@code namespace} holds an established connection on its TCP {@code port} from
     * {@code clientIp}: iperf3 -J reports only at the end, so this is how a test knows a run is on.
     */
    static void awaitEstablished(String namespace, int port, String clientIp) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Lab.succeeds(
                        "ip",
                        "netns",
                        "exec",
                        namespace,
                        "sh",
                        "-c",
                        "ss -tn state established '( sport = :" + port + " )' | grep -q " + clientIp));
    }

    /** The bytes the iperf3 server received, from the client's {@code -J} report. */
    static long receivedBytes(String iperf3Json) {
        return Long.parseLong(
                iperf3Json.replaceAll("(?s).*\"sum_received\"\\s*:\\s*\\{[^}]*?\"bytes\"\\s*:\\s*(\\d+).*", "$1"));
    }

    @Override
    public void close() {
        if (controlPlane != null) {
            controlPlane.close();
        }
        lab.close(); // stops the agents, which remove their instances' namespaces, then deletes the machines
    }
}
