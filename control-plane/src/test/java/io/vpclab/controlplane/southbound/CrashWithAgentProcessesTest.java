package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SouthboundApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostStatus;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceUpdate;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.ServerProcess;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The randomized crash: agent processes follow a server process; writes, a {@code kill -9} of
 * the server, a restart on the same data, agents paused (SIGSTOP) and resumed (SIGCONT) in random
 * order between more writes. At the end every agent's own table (its {@code /table}) equals the
 * server's compilation for its host, every host shows converged, and pings between instances
 * agree with the tables: every live pair answers, a terminated instance's address does not.
 * The seed is printed; {@code -Dvpclab.crash.seed=N} replays a run.
 */
class CrashWithAgentProcessesTest {

    private static final int AGENTS = 3;
    private static final int WRITES_BEFORE_KILL = 5;
    private static final int STEPS_AFTER_RESTART = 10;
    private static final ObjectMapper CLIENT_JSON = new ApiClient().getObjectMapper();
    private static final JsonMapper NON_EMPTY = JsonMapper.builder()
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_EMPTY))
            .build();

    @Test
    void afterAKillPausesAndMoreWritesEveryAgentForwardsByTheServersTable(@TempDir Path temp) throws Exception {
        long seed = Long.getLong("vpclab.crash.seed", new SecureRandom().nextLong());
        System.out.println(
                "CrashWithAgentProcessesTest seed " + seed + " (replay with -Dvpclab.crash.seed=" + seed + ")");
        Random random = new Random(seed);
        Path dataDir = temp.resolve("data");
        int port = ServerProcess.freePort();
        int udpBase = FreeUdpPorts.consecutive(AGENTS);
        List<AgentProcess> agents = new ArrayList<>();
        ServerProcess server = ServerProcess.start(dataDir, port, Map.of());
        try {
            for (int i = 0; i < AGENTS; i++) {
                agents.add(AgentProcess.start(
                        server.baseUri(), ServerProcess.ADMIN_TOKEN, "crash-agent-" + i, udpBase + i, temp));
            }
            ServerProcess first = server;
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> hostsByName(first.admin()).size() == AGENTS);
            Map<String, String> hostIds = hostsByName(server.admin());
            List<String> hosts = new ArrayList<>(hostIds.values());

            Network network = Network.create(server.admin());
            for (int i = 0; i < WRITES_BEFORE_KILL; i++) {
                network.launch(server.admin(), random, hosts);
            }
            server.kill();
            for (AgentProcess agent : agents) {
                if (random.nextBoolean()) {
                    agent.pause();
                }
            }
            server = ServerProcess.start(dataDir, port, Map.of());
            for (int step = 0; step < STEPS_AFTER_RESTART; step++) {
                switch (random.nextInt(4)) {
                    case 0 -> network.launch(server.admin(), random, hosts);
                    case 1 -> network.terminate(server.admin(), random);
                    case 2 -> network.move(server.admin(), random, hosts);
                    default -> {
                        AgentProcess agent = agents.get(random.nextInt(AGENTS));
                        if (agent.paused()) {
                            agent.resume();
                        } else {
                            agent.pause();
                        }
                    }
                }
            }
            for (AgentProcess agent : agents) {
                if (agent.paused()) {
                    agent.resume();
                }
            }

            ServerProcess second = server;
            for (AgentProcess agent : agents) {
                String hostId = hostIds.get(agent.name());
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(250))
                        .untilAsserted(() -> assertAgentHoldsTheServersTable(second.admin(), hostId, agent));
            }
            assertPingsAgreeWithTheTables(server.admin(), network, random);
        } finally {
            agents.forEach(AgentProcess::close);
            server.close();
        }
    }

    private static void assertAgentHoldsTheServersTable(ApiClient admin, String hostId, AgentProcess agent)
            throws Exception {
        Host host = new HostsApi(admin).getHost(hostId);
        assertThat(host.getStatus()).as("%s status", agent.name()).isEqualTo(HostStatus.CONNECTED);
        assertThat(host.getAppliedGeneration()).as("%s applied", agent.name()).isEqualTo(host.getDesiredGeneration());
        ForwardingTable compiled = new SouthboundApi(admin).getForwardingTable(hostId);
        assertThat(compiled.getGeneration()).as("%s compiled", agent.name()).isEqualTo(host.getDesiredGeneration());
        String held = agent.appliedTableJson();
        assertThat(held).as("%s's own table", agent.name()).isNotNull();
        assertThat(normalized(CLIENT_JSON.readValue(held, ForwardingTable.class)))
                .as("%s's own table against the server's", agent.name())
                .isEqualTo(normalized(compiled));
    }

    /** Both sides as JSON without empty fields, each list sorted: the agent's table is built from deltas, in another order. */
    private static JsonNode normalized(ForwardingTable table) {
        ObjectNode tree = (ObjectNode) NON_EMPTY.readTree(NON_EMPTY.writeValueAsString(table));
        for (String field : new ArrayList<>(tree.propertyNames())) {
            if (tree.get(field) instanceof ArrayNode array) {
                List<JsonNode> items = new ArrayList<>();
                array.forEach(items::add);
                items.sort(Comparator.comparing(JsonNode::toString));
                ArrayNode sorted = tree.putArray(field);
                items.forEach(sorted::add);
            }
        }
        return tree;
    }

    private static void assertPingsAgreeWithTheTables(ApiClient admin, Network network, Random random)
            throws ApiException {
        DiagnosticsApi diagnostics = new DiagnosticsApi(admin);
        List<Instance> live = new ArrayList<>(network.live.values());
        assertThat(live).as("instances left to ping").hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < live.size(); i++) {
            Instance from = live.get(i);
            Instance to = live.get((i + 1 + random.nextInt(live.size() - 1)) % live.size());
            var result = diagnostics.pingFromInstance(
                    from.getInstanceId(),
                    new PingRequest().target(to.getPrivateIpAddress()).count(2));
            assertThat(result.getReceived())
                    .as("ping %s -> %s", from.getPrivateIpAddress(), to.getPrivateIpAddress())
                    .isPositive();
        }
        for (Instance gone : network.terminated) {
            if (network.live.values().stream()
                    .noneMatch(i -> i.getPrivateIpAddress().equals(gone.getPrivateIpAddress()))) {
                var result = diagnostics.pingFromInstance(
                        live.get(0).getInstanceId(),
                        new PingRequest()
                                .target(gone.getPrivateIpAddress())
                                .count(1)
                                .timeoutMillis(300));
                assertThat(result.getReceived())
                        .as("ping to terminated %s", gone.getPrivateIpAddress())
                        .isZero();
            }
        }
    }

    private static Map<String, String> hostsByName(ApiClient admin) throws ApiException {
        Map<String, String> byName = new LinkedHashMap<>();
        for (Host host : new HostsApi(admin).listHosts(null, null).getItems()) {
            byName.put(host.getName(), host.getHostId());
        }
        return byName;
    }

    /** One tenant's VPC with two subnets, and the instances the test placed, live and terminated. */
    private static final class Network {
        final List<String> subnets;
        final Map<String, Instance> live = new LinkedHashMap<>();
        final List<Instance> terminated = new ArrayList<>();

        private Network(List<String> subnets) {
            this.subnets = subnets;
        }

        static Network create(ApiClient admin) throws ApiException {
            String tenantId = new TenantsApi(admin)
                    .createTenant(new TenantCreate().name("crash-lab"))
                    .getTenantId();
            String vpcId = new VpcsApi(admin)
                    .createVpc(new VpcCreate().tenantId(tenantId).cidrBlock("10.9.0.0/16"))
                    .getVpcId();
            SubnetsApi subnetsApi = new SubnetsApi(admin);
            return new Network(List.of(
                    subnetsApi
                            .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.9.1.0/24"))
                            .getSubnetId(),
                    subnetsApi
                            .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.9.2.0/24"))
                            .getSubnetId()));
        }

        void launch(ApiClient admin, Random random, List<String> hosts) throws ApiException {
            Instance instance = new InstancesApi(admin)
                    .runInstance(new InstanceCreate()
                            .subnetId(subnets.get(random.nextInt(subnets.size())))
                            .hostId(hosts.get(random.nextInt(hosts.size()))));
            live.put(instance.getInstanceId(), instance);
        }

        void terminate(ApiClient admin, Random random) throws ApiException {
            if (live.size() <= 2) {
                return;
            }
            Instance victim = new ArrayList<>(live.values()).get(random.nextInt(live.size()));
            new InstancesApi(admin).terminateInstance(victim.getInstanceId());
            live.remove(victim.getInstanceId());
            terminated.add(victim);
        }

        void move(ApiClient admin, Random random, List<String> hosts) throws ApiException {
            if (live.isEmpty()) {
                return;
            }
            Instance instance = new ArrayList<>(live.values()).get(random.nextInt(live.size()));
            String target = hosts.get(random.nextInt(hosts.size()));
            live.put(
                    instance.getInstanceId(),
                    new InstancesApi(admin)
                            .updateInstance(instance.getInstanceId(), new InstanceUpdate().hostId(target)));
        }
    }
}
