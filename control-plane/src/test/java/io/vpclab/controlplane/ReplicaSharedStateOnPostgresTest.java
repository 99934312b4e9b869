package io.vpclab.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.CapturesApi;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.api.HostStatsApi;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Capture;
import io.vpclab.client.model.CaptureCreate;
import io.vpclab.client.model.CaptureStatus;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.HostStatus;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.PortStats;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.capture.PcapFile;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What lived in one replica's memory, across two replicas on one real PostgreSQL schema: real
 * agents (simulated instances, packets over loopback UDP), agent a1 following replica A only and
 * a2 following B only. Asked through B, a ping and a capture run on a1 and come back through A;
 * the counters a1 reports to A are B's too; a replica that stops renewing its lease leaves its
 * hosts disconnected. One pair of replicas and agents for the class (the CI's time is short).
 */
class ReplicaSharedStateOnPostgresTest {

    private static final String SCHEMA = "vpclab_it_replica_state";
    private static final String ADMIN = "replica-state-admin-" + UUID.randomUUID();
    private static final Duration CONVERGENCE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ConfigurableApplicationContext replicaA;
    private static ConfigurableApplicationContext replicaB;

    @TempDir
    static Path identities;

    private static FollowAgent a1;
    private static FollowAgent a2;
    private static Instance web;
    private static Instance db;

    @BeforeAll
    static void twoReplicasAndAnAgentOnEach() throws Exception {
        PostgresSupport.requireServerAndRecreate(SCHEMA);
        replicaA = replica("a");
        replicaB = replica("b");
        int udpBase = FreeUdpPorts.consecutive(2);
        a1 = FollowAgent.start(FollowAgent.Options.builder(
                        uri(replicaA), ADMIN, "state-a1", "127.0.0.1", udpBase, identities.resolve("a1.properties"))
                .build());
        a2 = FollowAgent.start(FollowAgent.Options.builder(
                        uri(replicaB), ADMIN, "state-a2", "127.0.0.1", udpBase + 1, identities.resolve("a2.properties"))
                .build());

        ApiClient admin = client(replicaA);
        String tenantId = new TenantsApi(admin)
                .createTenant(new TenantCreate().name("replica-state"))
                .getTenantId();
        String vpcId = new VpcsApi(admin)
                .createVpc(new VpcCreate().cidrBlock("10.60.0.0/16").tenantId(tenantId))
                .getVpcId();
        String subnetId = new SubnetsApi(admin)
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.60.1.0/24"))
                .getSubnetId();
        web = instance(admin, subnetId, a1, "10.60.1.10");
        db = instance(admin, subnetId, a2, "10.60.1.11");
        await().atMost(CONVERGENCE)
                .alias("both agents hold the tables with both instances")
                .until(() -> converged(a1) && converged(a2));
    }

    @AfterAll
    static void stop() {
        for (FollowAgent agent : new FollowAgent[] {a1, a2}) {
            if (agent != null) {
                agent.close();
            }
        }
        for (ConfigurableApplicationContext replica : new ConfigurableApplicationContext[] {replicaA, replicaB}) {
            if (replica != null) {
                replica.close();
            }
        }
    }

    @Test
    void aPingAskedOfReplicaBRunsOnTheAgentThatFollowsReplicaA() {
        DiagnosticsApi throughB = new DiagnosticsApi(client(replicaB));
        await().atMost(CONVERGENCE)
                .alias("B relays the ping to A's agent and gets its answer back")
                .until(() -> throughB.pingFromInstance(
                                        web.getInstanceId(),
                                        new PingRequest()
                                                .target(db.getPrivateIpAddress())
                                                .count(2))
                                .getReceived()
                        == 2);
    }

    @Test
    void aCaptureBookedOnReplicaBIsWrittenByTheAgentOfReplicaAAndDownloadsFromB() throws Exception {
        CapturesApi throughB = new CapturesApi(client(replicaB));
        CapturesApi throughA = new CapturesApi(client(replicaA));
        Capture capture = throughB.startCapture(new CaptureCreate().instanceId(web.getInstanceId()));
        await().atMost(Duration.ofSeconds(30))
                .alias("the agent on A confirms the start B asked for")
                .until(() -> throughB.getCapture(capture.getCaptureId()).getStatus() == CaptureStatus.RUNNING);

        DiagnosticsApi throughAPing = new DiagnosticsApi(client(replicaA));
        await().atMost(CONVERGENCE)
                .until(() -> throughAPing
                                .pingFromInstance(
                                        web.getInstanceId(),
                                        new PingRequest()
                                                .target(db.getPrivateIpAddress())
                                                .count(2))
                                .getReceived()
                        == 2);
        throughB.stopCapture(capture.getCaptureId());
        await().atMost(Duration.ofSeconds(30))
                .alias("the pcap a1 uploaded to A is stored for both")
                .until(() -> throughA.getCapture(capture.getCaptureId()).getStatus() == CaptureStatus.STOPPED);

        Capture stopped = throughB.getCapture(capture.getCaptureId());
        HttpResponse<byte[]> file = HTTP.send(
                HttpRequest.newBuilder(
                                URI.create(uri(replicaB) + "/api/v1/captures/" + capture.getCaptureId() + "/pcap"))
                        .header("Authorization", "Bearer " + ADMIN)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat((long) file.body().length).isEqualTo(stopped.getBytes());
        Path pcapFile = Files.createTempFile("replica-capture-", ".pcap");
        try {
            Files.write(pcapFile, file.body());
            PcapFile pcap = PcapFile.read(pcapFile);
            assertThat(pcap.frames()).hasSize((int) (long) stopped.getPackets());
            assertThat(pcap.frames().stream()
                            .filter(PcapFile::isIcmp)
                            .map(PcapFile::icmpType)
                            .toList())
                    .as("echo requests (8) and replies (0) seen at the port of A's agent")
                    .contains(8, 0);
        } finally {
            Files.deleteIfExists(pcapFile);
        }
    }

    @Test
    void bookingsOnBothReplicasAtOnceNeverExceedTheCaptureLimit() throws Exception {
        int limit = 16; // CaptureService.ACTIVE_LIMIT
        int attempts = limit + 8;
        // a port captures once at a time, and an agent fails a second capture at once (freeing its
        // place): one port per booking, so every booking stays active
        InstancesApi instances = new InstancesApi(client(replicaA));
        List<String> ports = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            ports.add(instances
                    .runInstance(new InstanceCreate()
                            .subnetId(web.getSubnetId())
                            .hostId((i % 2 == 0 ? a1 : a2).hostId())
                            .kind(InstanceKind.SIMULATED))
                    .getInstanceId());
        }
        List<CapturesApi> replicas = List.of(new CapturesApi(client(replicaA)), new CapturesApi(client(replicaB)));
        List<String> booked = new CopyOnWriteArrayList<>();
        List<String> refused = new CopyOnWriteArrayList<>();
        ExecutorService bookers = Executors.newFixedThreadPool(attempts);
        try {
            await().atMost(CONVERGENCE)
                    .alias("both agents hold every new port")
                    .until(() -> converged(a1) && converged(a2));
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                CapturesApi replica = replicas.get(i % 2);
                String instanceId = ports.get(i);
                done.add(bookers.submit(() -> {
                    start.await();
                    try {
                        booked.add(replica.startCapture(new CaptureCreate()
                                        .instanceId(instanceId)
                                        .maxSeconds(120))
                                .getCaptureId());
                    } catch (ApiException e) {
                        assertThat(e.getCode()).isEqualTo(409);
                        refused.add(e.getResponseBody());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> attempt : done) {
                attempt.get(60, TimeUnit.SECONDS);
            }
            assertThat(booked).as("bookings over both replicas").hasSize(limit);
            assertThat(refused).hasSize(attempts - limit).allMatch(body -> body.contains("CaptureLimitExceeded"));
        } finally {
            bookers.shutdownNow();
            CapturesApi throughA = replicas.get(0);
            for (String captureId : booked) {
                throughA.stopCapture(captureId);
            }
            await().atMost(Duration.ofSeconds(60))
                    .alias("every booked capture ended, so the class's other capture has room")
                    .until(() -> noneActive(throughA, booked));
            for (String instanceId : ports) {
                instances.terminateInstance(instanceId);
            }
        }
    }

    private static boolean noneActive(CapturesApi captures, List<String> captureIds) throws ApiException {
        for (String captureId : captureIds) {
            CaptureStatus status = captures.getCapture(captureId).getStatus();
            if (status == CaptureStatus.STARTING || status == CaptureStatus.RUNNING) {
                return false;
            }
        }
        return true;
    }

    @Test
    void theCountersTheAgentReportsToReplicaAAreShownByReplicaB() {
        HostStatsApi throughB = new HostStatsApi(client(replicaB));
        await().atMost(Duration.ofSeconds(30))
                .alias("a1's latest report, posted to A, read through B")
                // 404 until the agent's first report is stored
                .ignoreExceptionsInstanceOf(ApiException.class)
                .untilAsserted(() -> assertThat(
                                throughB.getHostStats(a1.hostId()).getReport().getPorts())
                        .extracting(PortStats::getPortId)
                        .contains(web.getInstanceId()));
        HostStatsApi throughA = new HostStatsApi(client(replicaA));
        await().atMost(Duration.ofSeconds(30))
                .alias("a2's reports, posted to B, read through A")
                // 404 until the agent's first report is stored
                .ignoreExceptionsInstanceOf(ApiException.class)
                .untilAsserted(() -> assertThat(
                                throughA.getHostStats(a2.hostId()).getReport().getPorts())
                        .extracting(PortStats::getPortId)
                        .contains(db.getInstanceId()));
    }

    @Test
    void theHostsOfAReplicaWhoseLeaseRanOutShowDisconnectedOnBoth() throws Exception {
        String orphan = new HostsApi(client(replicaA))
                .registerHost(new HostRegistration()
                        .name("state-orphan")
                        .underlayIp("127.0.0.1")
                        .capabilities(List.of(InstanceKind.SIMULATED)))
                .getHost()
                .getHostId();
        try (Connection connection = DriverManager.getConnection(
                        PostgresSupport.urlWithSchema(SCHEMA), PostgresSupport.USER, PostgresSupport.PASSWORD);
                Statement statement = connection.createStatement()) {
            // a replica killed an hour ago, which served the orphan's stream
            statement.executeUpdate(
                    "insert into replica_lease (replica_id, heartbeat_at) values ('killed', now() - interval '1 hour')");
            statement.executeUpdate(
                    "update host set status = 'CONNECTED', connected_replica = 'killed' where id = '" + orphan + "'");
        }
        await().atMost(Duration.ofSeconds(30))
                .alias("the dead replica's host shows disconnected on both replicas")
                .untilAsserted(() -> {
                    for (ConfigurableApplicationContext replica : List.of(replicaA, replicaB)) {
                        assertThat(new HostsApi(client(replica)).getHost(orphan).getStatus())
                                .isEqualTo(HostStatus.DISCONNECTED);
                    }
                });
        for (FollowAgent live : List.of(a1, a2)) {
            Host shown = new HostsApi(client(replicaB)).getHost(live.hostId());
            assertThat(shown.getStatus())
                    .as("the hosts of live replicas stay connected")
                    .isEqualTo(HostStatus.CONNECTED);
        }
    }

    private static ConfigurableApplicationContext replica(String name) {
        return TestServers.start(
                Path.of("target", "test-data", "replica-state-" + name + "-" + UUID.randomUUID()),
                "--spring.profiles.active=postgres",
                "--spring.datasource.url=" + PostgresSupport.urlWithSchema(SCHEMA),
                "--spring.datasource.username=" + PostgresSupport.USER,
                "--spring.datasource.password=" + PostgresSupport.PASSWORD,
                "--vpclab.admin-token=" + ADMIN,
                "--vpclab.replicas.poll-interval=300ms",
                "--vpclab.replicas.lease=2s");
    }

    private static Instance instance(ApiClient admin, String subnetId, FollowAgent agent, String ip) throws Exception {
        return new InstancesApi(admin)
                .runInstance(new InstanceCreate()
                        .subnetId(subnetId)
                        .hostId(agent.hostId())
                        .kind(InstanceKind.SIMULATED)
                        .privateIpAddress(ip));
    }

    private static boolean converged(FollowAgent agent) throws Exception {
        Host host = new HostsApi(client(replicaA)).getHost(agent.hostId());
        return host.getStatus() == HostStatus.CONNECTED
                && host.getAppliedGeneration() >= host.getDesiredGeneration()
                && agent.appliedGeneration() == host.getDesiredGeneration();
    }

    private static URI uri(ConfigurableApplicationContext replica) {
        return URI.create("http://127.0.0.1:" + replica.getEnvironment().getProperty("local.server.port"));
    }

    private static ApiClient client(ConfigurableApplicationContext replica) {
        return TestServers.client(uri(replica).toString(), ADMIN);
    }
}
