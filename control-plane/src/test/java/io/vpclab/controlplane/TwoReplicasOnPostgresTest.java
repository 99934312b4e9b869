package io.vpclab.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vpclab.agent.southbound.ControlPlaneEndpoint;
import io.vpclab.agent.southbound.TableStreamFollower;
import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.RegisteredHost;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.TokenCreate;
import io.vpclab.client.model.VpcCreate;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two control-plane replicas (two application contexts on free ports) on one real PostgreSQL
 * schema: what is written on one reaches the agents of the other, and the database, not a
 * replica's memory, decides between conflicting writes. The replicas and the schema are the
 * class's (a replica start is the costly part; each test uses its own host, tenant and VPC); the
 * tests that stop a replica run last, and a stopped replica is started again before the next test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoReplicasOnPostgresTest {

    private static final String SCHEMA = "vpclab_it_replicas";
    private static final String ADMIN = "replicas-admin-" + UUID.randomUUID();
    private static final int CONFLICTING_WRITES = 16;

    private ConfigurableApplicationContext replicaA;
    private ConfigurableApplicationContext replicaB;
    private TableStreamFollower agentOnB;
    private String tenantToken;

    @BeforeAll
    void twoReplicasOnAFreshSchema() throws Exception {
        PostgresSupport.requireServerAndRecreate(SCHEMA);
        replicaA = replica("a");
        replicaB = replica("b");
    }

    @BeforeEach
    void bothReplicasRunning() {
        if (!replicaA.isActive()) {
            replicaA = replica("a");
        }
        if (!replicaB.isActive()) {
            replicaB = replica("b");
        }
    }

    @AfterEach
    void stopTheAgent() {
        if (agentOnB != null) {
            agentOnB.close();
            agentOnB = null;
        }
    }

    @AfterAll
    void stop() {
        for (ConfigurableApplicationContext replica : new ConfigurableApplicationContext[] {replicaA, replicaB}) {
            if (replica != null) {
                replica.close();
            }
        }
    }

    private static ConfigurableApplicationContext replica(String name) {
        return TestServers.start(
                Path.of("target", "test-data", "replica-" + name + "-" + UUID.randomUUID()),
                "--spring.profiles.active=postgres",
                "--spring.datasource.url=" + PostgresSupport.urlWithSchema(SCHEMA),
                "--spring.datasource.username=" + PostgresSupport.USER,
                "--spring.datasource.password=" + PostgresSupport.PASSWORD,
                "--vpclab.admin-token=" + ADMIN,
                // the test waits for changes that only the poll (not a notification) may carry
                "--vpclab.replicas.poll-interval=300ms");
    }

    private static URI uri(ConfigurableApplicationContext replica) {
        return URI.create("http://127.0.0.1:" + replica.getEnvironment().getProperty("local.server.port"));
    }

    private static ApiClient client(ConfigurableApplicationContext replica, String token) {
        return TestServers.client(uri(replica).toString(), token);
    }

    @Test
    @Order(1)
    void aWriteOnReplicaAReachesTheAgentThatFollowsReplicaB() throws Exception {
        RegisteredHost host = new HostsApi(client(replicaB, ADMIN))
                .registerHost(new HostRegistration()
                        .name("replicas-host")
                        .underlayIp("127.0.0.1")
                        .capabilities(List.of(InstanceKind.SIMULATED)));
        String hostId = host.getHost().getHostId();
        agentOnB = new TableStreamFollower(
                new ControlPlaneEndpoint(uri(replicaB), host.getToken()),
                hostId,
                table -> {},
                request -> new ProbeResult(),
                command -> {});
        agentOnB.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> agentOnB.appliedTable() != null);

        ApiClient tenantOnA = tenantClient(replicaA);
        Instance instance = runInstance(tenantOnA, "10.20", hostId);

        await().atMost(Duration.ofSeconds(30))
                .alias("the instance made on A is in the table B streams")
                .until(() -> hasPort(agentOnB.appliedTable(), instance.getInstanceId()));
        long generation = agentOnB.appliedTable().getGeneration();
        await().atMost(Duration.ofSeconds(30))
                .alias("both replicas show the host converged at the generation the agent holds")
                .untilAsserted(() -> {
                    for (ConfigurableApplicationContext replica : List.of(replicaA, replicaB)) {
                        Host shown = new HostsApi(client(replica, ADMIN)).getHost(hostId);
                        assertThat(shown.getDesiredGeneration()).isEqualTo(generation);
                        assertThat(shown.getAppliedGeneration()).isEqualTo(generation);
                    }
                });

        new InstancesApi(tenantOnA).terminateInstance(instance.getInstanceId());
        await().atMost(Duration.ofSeconds(30))
                .alias("a terminate on A leaves B's agent too, at a later generation")
                .until(() -> !hasPort(agentOnB.appliedTable(), instance.getInstanceId())
                        && agentOnB.appliedTable().getGeneration() > generation);
    }

    @Test
    @Order(3)
    void theOtherReplicaCompilesAHostItDoesNotServeSoThatItsAgentMovesWithoutASnapshot() throws Exception {
        FollowedHost host = followFromAThenB("replicas-ready-host");
        String hostId = host.hostId();
        Instance instance = runInstance(tenantClient(replicaA), "10.50", hostId);
        await().atMost(Duration.ofSeconds(30)).until(() -> hasPort(agentOnB.appliedTable(), instance.getInstanceId()));
        long generation = agentOnB.appliedTable().getGeneration();
        await().atMost(Duration.ofSeconds(30))
                .alias("B compiled the table of a host whose agent follows A, unasked")
                .until(() -> gauge(replicaB, "vpclab.host.generation.desired", hostId) == generation);
        double snapshotsOnB = replicaB.getBean(MeterRegistry.class)
                .get("vpclab.table.stream.snapshots")
                .counter()
                .count();

        replicaA.close();

        await().atMost(Duration.ofSeconds(30))
                .alias("the agent follows B")
                .until(() -> gauge(replicaB, "vpclab.host.connected", hostId) == 1);
        assertThat(agentOnB.appliedTable().getGeneration()).isEqualTo(generation);
        assertThat(replicaB.getBean(MeterRegistry.class)
                        .get("vpclab.table.stream.snapshots")
                        .counter()
                        .count())
                .as("B resumed the agent's stream at the generation it held: no snapshot")
                .isEqualTo(snapshotsOnB);
    }

    /** A per-host gauge of the replica; -1 while it has none for the host. */
    private static double gauge(ConfigurableApplicationContext replica, String name, String hostId) {
        Gauge gauge = replica.getBean(MeterRegistry.class)
                .find(name)
                .tag("host", hostId)
                .gauge();
        return gauge == null ? -1 : gauge.value();
    }

    @Test
    @Order(4)
    void anAgentOfAStoppedReplicaMovesToTheOtherAndGetsItsWrites() throws Exception {
        FollowedHost host = followFromAThenB("replicas-moving-host");
        String hostId = host.hostId();
        ControlPlaneEndpoint both = host.endpoint();
        long heldFromA = agentOnB.appliedTable().getGeneration();

        replicaA.close();

        Instance instance = runInstance(tenantClient(replicaB), "10.40", hostId);

        await().atMost(Duration.ofSeconds(30))
                .alias("the agent moved to B and follows its writes")
                .until(() -> hasPort(agentOnB.appliedTable(), instance.getInstanceId()));
        assertThat(both.baseUri()).isEqualTo(uri(replicaB));
        assertThat(agentOnB.appliedTable().getGeneration()).isGreaterThan(heldFromA);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Host shown = new HostsApi(client(replicaB, ADMIN)).getHost(hostId);
            assertThat(shown.getAppliedGeneration()).isEqualTo(shown.getDesiredGeneration());
        });
    }

    @Test
    @Order(2)
    void conflictingWritesSpreadOverBothReplicasHaveExactlyOneWinner() throws Exception {
        RegisteredHost host = new HostsApi(client(replicaA, ADMIN))
                .registerHost(new HostRegistration()
                        .name("replicas-race-host")
                        .underlayIp("127.0.0.1")
                        .capabilities(List.of(InstanceKind.SIMULATED)));
        ApiClient tenantOnA = tenantClient(replicaA);
        String token = tenantToken;
        ApiClient tenantOnB = client(replicaB, token);
        String vpcId = new VpcsApi(tenantOnA)
                .createVpc(new VpcCreate().cidrBlock("10.30.0.0/16"))
                .getVpcId();
        Subnet subnet = new SubnetsApi(tenantOnB)
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.30.1.0/24"));

        List<Outcome> outcomes = race(i -> () -> new InstancesApi(i % 2 == 0 ? tenantOnA : tenantOnB)
                .runInstance(new InstanceCreate()
                        .subnetId(subnet.getSubnetId())
                        .hostId(host.getHost().getHostId())
                        .privateIpAddress("10.30.1.50")));

        assertThat(outcomes).filteredOn(o -> o.status() == 0).hasSize(1);
        assertThat(outcomes)
                .filteredOn(o -> o.status() != 0)
                .hasSize(CONFLICTING_WRITES - 1)
                .allSatisfy(o -> {
                    assertThat(o.status()).isEqualTo(409);
                    assertThat(o.body()).contains("InvalidIPAddress.InUse");
                });
        for (ApiClient tenant : List.of(tenantOnA, tenantOnB)) {
            assertThat(new InstancesApi(tenant)
                            .listInstances(null, subnet.getSubnetId(), null, null, null)
                            .getItems())
                    .as("one instance stored, seen alike on both replicas")
                    .hasSize(1);
            assertThat(new SubnetsApi(tenant).getSubnet(subnet.getSubnetId()).getAvailableIpAddressCount())
                    .as("no address held by a loser")
                    .isEqualTo(250);
        }
    }

    @Test
    @Order(5)
    void oneReplicaLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> leads(replicaA) || leads(replicaB));
        assertThat(leads(replicaA) && leads(replicaB)).as("never two leaders").isFalse();
        ConfigurableApplicationContext leader = leads(replicaA) ? replicaA : replicaB;
        ConfigurableApplicationContext follower = leader == replicaA ? replicaB : replicaA;

        leader.close();

        await().atMost(Duration.ofSeconds(30))
                .alias("the other replica takes over")
                .until(() -> leads(follower));
        try (Connection connection = DriverManager.getConnection(
                        PostgresSupport.urlWithSchema(SCHEMA), PostgresSupport.USER, PostgresSupport.PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into replica_change (origin, vpc_ids, host_ids, peerings, created_at)"
                    + " values ('gone', '', '', false, now() - interval '1 hour')");
            await().atMost(Duration.ofSeconds(30))
                    .alias("the new leader runs the jobs: old changes are pruned")
                    .until(() -> {
                        try (ResultSet left =
                                statement.executeQuery("select count(*) from replica_change where origin = 'gone'")) {
                            return left.next() && left.getLong(1) == 0;
                        }
                    });
        }
    }

    private static boolean leads(ConfigurableApplicationContext replica) {
        if (!replica.isActive()) {
            return false;
        }
        return replica.getBean(MeterRegistry.class)
                        .get("vpclab.replica.leader")
                        .gauge()
                        .value()
                == 1;
    }

    /** A host registered on A, its agent given A then B and holding its first table (from A). */
    private record FollowedHost(String hostId, ControlPlaneEndpoint endpoint) {}

    private FollowedHost followFromAThenB(String name) throws ApiException {
        RegisteredHost host = new HostsApi(client(replicaA, ADMIN))
                .registerHost(new HostRegistration()
                        .name(name)
                        .underlayIp("127.0.0.1")
                        .capabilities(List.of(InstanceKind.SIMULATED)));
        String hostId = host.getHost().getHostId();
        ControlPlaneEndpoint both = new ControlPlaneEndpoint(List.of(uri(replicaA), uri(replicaB)), host.getToken());
        agentOnB = new TableStreamFollower(both, hostId, table -> {}, request -> new ProbeResult(), command -> {});
        agentOnB.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> agentOnB.appliedTable() != null);
        return new FollowedHost(hostId, both);
    }

    /** An instance on the host in a new VPC {@code prefix}.0.0/16 of the tenant. */
    private static Instance runInstance(ApiClient tenant, String prefix, String hostId) throws ApiException {
        String vpcId = new VpcsApi(tenant)
                .createVpc(new VpcCreate().cidrBlock(prefix + ".0.0/16"))
                .getVpcId();
        Subnet subnet = new SubnetsApi(tenant)
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock(prefix + ".1.0/24"));
        return new InstancesApi(tenant)
                .runInstance(new InstanceCreate().subnetId(subnet.getSubnetId()).hostId(hostId));
    }

    private ApiClient tenantClient(ConfigurableApplicationContext replica) throws ApiException {
        TenantsApi tenants = new TenantsApi(client(replica, ADMIN));
        String tenantId = tenants.createTenant(new TenantCreate().name("replicas-" + UUID.randomUUID()))
                .getTenantId();
        tenantToken = tenants.createTenantToken(tenantId, new TokenCreate()).getToken();
        return client(replica, tenantToken);
    }

    private static boolean hasPort(ForwardingTable table, String portId) {
        return table != null
                && table.getPorts() != null
                && table.getPorts().stream().anyMatch(port -> portId.equals(port.getId()));
    }

    /** A write's outcome: status 0 when it succeeded, else the refusal's status and body. */
    private record Outcome(int status, String body) {}

    private static List<Outcome> race(java.util.function.IntFunction<Callable<Object>> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONFLICTING_WRITES);
        CountDownLatch gate = new CountDownLatch(1);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < CONFLICTING_WRITES; i++) {
                Callable<Object> task = call.apply(i);
                futures.add(pool.submit(() -> {
                    gate.await();
                    try {
                        task.call();
                        return new Outcome(0, "");
                    } catch (ApiException e) {
                        return new Outcome(e.getCode(), e.getResponseBody());
                    }
                }));
            }
            gate.countDown();
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get(120, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }
}
