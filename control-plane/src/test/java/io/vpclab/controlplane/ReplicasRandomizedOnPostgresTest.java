package io.vpclab.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vpclab.agent.southbound.ControlPlaneEndpoint;
import io.vpclab.agent.southbound.TableStreamFollower;
import io.vpclab.client.ApiClient;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SouthboundApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Random writes through random replicas and random replica restarts, on one real PostgreSQL
 * schema; light agents (stream, apply, ack; no data plane) know both replicas. At the end every
 * agent holds what a freshly started replica compiles from the database for its host, and no
 * generation was ever applied for two different tables or went backwards (0 lost, 0 duplicated).
 * The seed is printed; {@code -Dvpclab.replicas.seed=N} replays a run.
 */
class ReplicasRandomizedOnPostgresTest {

    private static final String SCHEMA = "vpclab_it_replicas_random";
    private static final String ADMIN = "replicas-random-admin-" + UUID.randomUUID();
    private static final int AGENTS = 3;
    private static final int STEPS = 16;
    private static final int RESTARTS = 2;
    private static final Duration CONVERGENCE = Duration.ofSeconds(60);
    private static final JsonMapper NON_EMPTY = JsonMapper.builder()
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_EMPTY))
            .build();

    private final int[] ports = new int[2];
    private final ConfigurableApplicationContext[] replicas = new ConfigurableApplicationContext[2];

    @Test
    void randomWritesAndRestartsLeaveEveryAgentWithTheDatabasesTables() throws Exception {
        long seed = Long.getLong("vpclab.replicas.seed", System.nanoTime());
        System.out.println(
                "ReplicasRandomizedOnPostgresTest seed " + seed + " (replay with -Dvpclab.replicas.seed=" + seed + ")");
        Random random = new Random(seed);
        PostgresSupport.requireServerAndRecreate(SCHEMA);
        List<TableStreamFollower> agents = new ArrayList<>();
        Map<String, Map<Long, JsonNode>> applied = new ConcurrentHashMap<>();
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            for (int i = 0; i < 2; i++) {
                ports[i] = FreeUdpPorts.tcp();
                start(i);
            }
            List<String> hostIds = new ArrayList<>();
            for (int i = 0; i < AGENTS; i++) {
                var registered = new HostsApi(admin(random.nextInt(2)))
                        .registerHost(new HostRegistration()
                                .name("random-host-" + i)
                                .underlayIp("127.0.0." + (i + 1))
                                .capabilities(List.of(InstanceKind.SIMULATED)));
                String hostId = registered.getHost().getHostId();
                hostIds.add(hostId);
                Map<Long, JsonNode> byGeneration = new ConcurrentHashMap<>();
                applied.put(hostId, byGeneration);
                List<URI> both = new ArrayList<>(List.of(uri(0), uri(1)));
                java.util.Collections.shuffle(both, random);
                TableStreamFollower agent = new TableStreamFollower(
                        new ControlPlaneEndpoint(both, registered.getToken()),
                        hostId,
                        table -> record(hostId, table, byGeneration, violations),
                        request -> new ProbeResult(),
                        command -> {});
                agent.start();
                agents.add(agent);
            }
            String tenantId = new TenantsApi(admin(0))
                    .createTenant(new TenantCreate().name("random"))
                    .getTenantId();
            String vpcId = new VpcsApi(admin(1))
                    .createVpc(new VpcCreate().cidrBlock("10.90.0.0/16").tenantId(tenantId))
                    .getVpcId();
            String subnetId = new SubnetsApi(admin(0))
                    .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.90.1.0/24"))
                    .getSubnetId();

            List<String> live = new ArrayList<>();
            int restarts = 0;
            for (int step = 0; step < STEPS; step++) {
                int replica = random.nextInt(2);
                int action = random.nextInt(10);
                if (action < 5 || live.isEmpty()) {
                    live.add(new InstancesApi(admin(replica))
                            .runInstance(new InstanceCreate()
                                    .subnetId(subnetId)
                                    .hostId(hostIds.get(random.nextInt(AGENTS)))
                                    .kind(InstanceKind.SIMULATED))
                            .getInstanceId());
                } else if (action < 8) {
                    new InstancesApi(admin(replica)).terminateInstance(live.remove(random.nextInt(live.size())));
                } else if (restarts < RESTARTS) {
                    restarts++;
                    replicas[replica].close();
                    start(replica);
                }
            }

            // a replica started now compiles every table from the database alone
            replicas[0].close();
            start(0);
            ApiClient fresh = admin(0);
            for (int i = 0; i < AGENTS; i++) {
                String hostId = hostIds.get(i);
                TableStreamFollower agent = agents.get(i);
                await().atMost(CONVERGENCE)
                        .alias("agent of " + hostId + " holds what a fresh replica compiles from the database")
                        .until(() -> {
                            ForwardingTable compiled = new SouthboundApi(fresh).getForwardingTable(hostId);
                            ForwardingTable held = agent.appliedTable();
                            return held != null && normalized(held).equals(normalized(compiled));
                        });
                await().atMost(CONVERGENCE).untilAsserted(() -> {
                    Host shown = new HostsApi(fresh).getHost(hostId);
                    assertThat(shown.getAppliedGeneration()).isEqualTo(shown.getDesiredGeneration());
                });
            }
            assertThat(violations)
                    .as("generations applied for two tables, or backwards")
                    .isEmpty();
            assertThat(applied.values().stream().mapToInt(Map::size).sum())
                    .as("generations applied in all")
                    .isGreaterThan(AGENTS);
        } finally {
            agents.forEach(TableStreamFollower::close);
            for (ConfigurableApplicationContext replica : replicas) {
                if (replica != null && replica.isActive()) {
                    replica.close();
                }
            }
        }
    }

    /** Keeps the table the agent applied under its generation; a second table under one number, or a lower number, is a violation. */
    private static void record(
            String hostId, ForwardingTable table, Map<Long, JsonNode> byGeneration, List<String> violations) {
        long generation = table.getGeneration();
        JsonNode content = normalized(table);
        JsonNode before = byGeneration.putIfAbsent(generation, content);
        if (before != null && !before.equals(content)) {
            violations.add(hostId + ": generation " + generation + " was applied for two different tables");
        }
        long highest =
                byGeneration.keySet().stream().mapToLong(Long::longValue).max().orElse(generation);
        if (generation < highest && before == null) {
            violations.add(hostId + ": generation " + generation + " applied after " + highest);
        }
    }

    private void start(int index) {
        replicas[index] = new SpringApplicationBuilder(VpcLabApplication.class)
                .run(
                        "--server.port=" + ports[index],
                        "--vpclab.data-dir="
                                + Path.of("target", "test-data", "replicas-random-" + UUID.randomUUID())
                                        .toAbsolutePath(),
                        "--spring.profiles.active=postgres",
                        "--spring.datasource.url=" + PostgresSupport.urlWithSchema(SCHEMA),
                        "--spring.datasource.username=" + PostgresSupport.USER,
                        "--spring.datasource.password=" + PostgresSupport.PASSWORD,
                        "--vpclab.admin-token=" + ADMIN,
                        "--vpclab.replicas.poll-interval=300ms",
                        "--vpclab.replicas.lease=2s");
    }

    private URI uri(int index) {
        return URI.create("http://127.0.0.1:" + ports[index]);
    }

    private ApiClient admin(int index) {
        return TestServers.client(uri(index).toString(), ADMIN);
    }

    /** The table as JSON without its generation or empty fields, each list sorted (deltas build it in another order). */
    private static JsonNode normalized(ForwardingTable table) {
        ObjectNode tree = (ObjectNode) NON_EMPTY.readTree(NON_EMPTY.writeValueAsString(table));
        tree.remove("generation");
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
}
