package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SouthboundApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.InstanceUpdate;
import io.vpclab.client.model.RegisteredHost;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TableAck;
import io.vpclab.client.model.TableDelta;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.client.table.TableEventId;
import io.vpclab.controlplane.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/** The table stream over real HTTP: snapshot, deltas on change, resume, acks and convergence. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TableStreamTest {

    private static final String ADMIN = "southbound-test-admin";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.admin-token", () -> ADMIN);
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "southbound-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
    }

    @LocalServerPort
    int port;

    private ApiClient admin;
    private RegisteredHost h1;
    private RegisteredHost h2;
    private String subnetId;

    @BeforeEach
    void network() throws ApiException {
        admin = client(ADMIN);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        h1 = new HostsApi(admin)
                .registerHost(new HostRegistration()
                        .name("h1-" + suffix)
                        .underlayIp("127.0.0.1")
                        .udpPort(14789));
        h2 = new HostsApi(admin)
                .registerHost(new HostRegistration()
                        .name("h2-" + suffix)
                        .underlayIp("127.0.0.1")
                        .udpPort(14790));
        String tenantId = new TenantsApi(admin)
                .createTenant(new TenantCreate().name("t-" + suffix))
                .getTenantId();
        String vpcId = new VpcsApi(admin)
                .createVpc(new VpcCreate().cidrBlock("10.0.0.0/16").tenantId(tenantId))
                .getVpcId();
        subnetId = new SubnetsApi(admin)
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.0.1.0/24"))
                .getSubnetId();
    }

    @Test
    void agentGetsASnapshotThenADeltaPerChange() throws Exception {
        Instance a = launch(h1, "10.0.1.10");
        try (SseClient stream = stream(h1, null)) {
            assertThat(stream.status()).isEqualTo(200);
            SseClient.Event first = stream.next();
            assertThat(first.name()).isEqualTo("snapshot");
            ForwardingTable snapshot = JSON.readValue(first.data(), ForwardingTable.class);
            assertThat(snapshot.getPorts()).extracting(p -> p.getId()).containsExactly(a.getInstanceId());
            TableEventId firstId = TableEventId.parse(first.id()).orElseThrow();
            assertThat(firstId.generation()).isEqualTo(snapshot.getGeneration());
            assertThat(firstId.incarnation()).hasSize(16);

            Instance b = launch(h2, "10.0.1.11");

            SseClient.Event second = stream.next();
            assertThat(second.name()).isEqualTo("delta");
            TableDelta delta = JSON.readValue(second.data(), TableDelta.class);
            assertThat(delta.getBaseGeneration()).isEqualTo(snapshot.getGeneration());
            assertThat(delta.getUpsert().getMacs()).extracting(m -> m.getMac()).containsExactly(b.getMacAddress());
            assertThat(delta.getUpsert().getVteps())
                    .extracting(v -> v.getPort())
                    .containsExactly(14790);
        }
    }

    @Test
    void reconnectWithLastEventIdResumesWithDeltasOnly() throws Exception {
        launch(h1, "10.0.1.20");
        TableEventId held;
        try (SseClient stream = stream(h1, null)) {
            held = TableEventId.parse(stream.next().id()).orElseThrow();
        }
        long generation = held.generation();
        launch(h2, "10.0.1.21");
        await().atMost(Duration.ofSeconds(10)).until(() -> desiredGeneration(h1) > generation);

        try (SseClient resumed = stream(h1, held.toString())) {
            SseClient.Event event = resumed.next();
            assertThat(event.name()).isEqualTo("delta");
            assertThat(JSON.readValue(event.data(), TableDelta.class).getBaseGeneration())
                    .isEqualTo(generation);
            assertThat(TableEventId.parse(event.id()).orElseThrow().incarnation())
                    .isEqualTo(held.incarnation());
        }
        try (SseClient unknown = stream(h1, new TableEventId(held.incarnation(), 999_999).toString())) {
            assertThat(unknown.next().name()).isEqualTo("snapshot");
        }
        // the same generation of another run of the server may have been another table
        try (SseClient otherRun = stream(h1, new TableEventId("0" + held.incarnation(), generation).toString())) {
            assertThat(otherRun.next().name()).isEqualTo("snapshot");
        }
        try (SseClient bareGeneration = stream(h1, String.valueOf(generation))) {
            assertThat(bareGeneration.next().name()).isEqualTo("snapshot");
        }
    }

    @Test
    void ackRecordsAppliedGenerationAndConvergence() throws Exception {
        launch(h1, "10.0.1.30");
        try (SseClient stream = stream(h1, null)) {
            TableEventId snapshotId = TableEventId.parse(stream.next().id()).orElseThrow();
            new SouthboundApi(client(h1.getToken()))
                    .acknowledgeGeneration(h1.getHost().getHostId(), ack(snapshotId));
            launch(h1, "10.0.1.31");
            TableEventId nextId = TableEventId.parse(stream.next().id()).orElseThrow();
            long next = nextId.generation();

            new SouthboundApi(client(h1.getToken()))
                    .acknowledgeGeneration(h1.getHost().getHostId(), ack(nextId));

            var host = new HostsApi(admin).getHost(h1.getHost().getHostId());
            assertThat(host.getAppliedGeneration()).isEqualTo(next);
            assertThat(host.getDesiredGeneration()).isEqualTo(next);
            assertThat(host.getConvergenceMillis()).isNotNull().isGreaterThanOrEqualTo(0);
            assertThat(host.getStatus().getValue()).isEqualTo("connected");
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            String hostTag = "host=\"" + h1.getHost().getHostId() + "\"";
            assertThat(metrics)
                    .contains("vpclab_host_generation_applied{" + hostTag + "} " + next + ".0")
                    .contains("vpclab_host_connected{" + hostTag + "} 1.0")
                    .contains("vpclab_convergence_seconds_count")
                    .contains("vpclab_table_stream_bytes_total");
        }
    }

    @Test
    void ackOfAGenerationNeverSentIsRefused() throws Exception {
        launch(h1, "10.0.1.40");
        new SouthboundApi(admin).getForwardingTable(h1.getHost().getHostId());
        String incarnation;
        try (SseClient stream = stream(h1, null)) {
            incarnation = TableEventId.parse(stream.next().id()).orElseThrow().incarnation();
        }

        assertThatThrownBy(() -> new SouthboundApi(client(h1.getToken()))
                        .acknowledgeGeneration(
                                h1.getHost().getHostId(), ack(new TableEventId(incarnation, 1_000_000L))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getCode()).isEqualTo(400));
    }

    @Test
    void ackOfAnotherIncarnationDoesNotCount() throws Exception {
        launch(h1, "10.0.1.45");
        TableEventId sent;
        try (SseClient stream = stream(h1, null)) {
            sent = TableEventId.parse(stream.next().id()).orElseThrow();
        }
        long appliedBefore =
                new HostsApi(admin).getHost(h1.getHost().getHostId()).getAppliedGeneration();

        assertThatThrownBy(() -> new SouthboundApi(client(h1.getToken()))
                        .acknowledgeGeneration(
                                h1.getHost().getHostId(),
                                ack(new TableEventId("0" + sent.incarnation(), sent.generation()))))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getResponseBody()).contains("IncarnationMismatch");
                });
        assertThat(new HostsApi(admin).getHost(h1.getHost().getHostId()).getAppliedGeneration())
                .isEqualTo(appliedBefore);
    }

    private static TableAck ack(TableEventId id) {
        return new TableAck().generation(id.generation()).incarnation(id.incarnation());
    }

    @Test
    void anotherHostsTokenCannotFollowTheStream() throws Exception {
        try (SseClient foreign = new SseClient(streamUri(h1), h2.getToken(), null)) {
            assertThat(foreign.status()).isEqualTo(404);
        }
        try (SseClient anonymous = new SseClient(streamUri(h1), "not-a-token", null)) {
            assertThat(anonymous.status()).isEqualTo(401);
        }
    }

    @Test
    void movedInstanceLeavesOneHostsTableAndJoinsTheOther() throws Exception {
        Instance moving = launch(h1, "10.0.1.50");
        launch(h2, "10.0.1.51");

        new InstancesApi(admin)
                .updateInstance(
                        moving.getInstanceId(),
                        new InstanceUpdate().hostId(h2.getHost().getHostId()));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ForwardingTable onH2 =
                    new SouthboundApi(admin).getForwardingTable(h2.getHost().getHostId());
            assertThat(onH2.getPorts()).extracting(p -> p.getIpAddress()).contains("10.0.1.50");
            ForwardingTable onH1 =
                    new SouthboundApi(admin).getForwardingTable(h1.getHost().getHostId());
            assertThat(onH1.getPorts()).isEmpty();
        });
    }

    private long desiredGeneration(RegisteredHost host) throws ApiException {
        return new HostsApi(admin).getHost(host.getHost().getHostId()).getDesiredGeneration();
    }

    private Instance launch(RegisteredHost host, String ip) throws ApiException {
        return new InstancesApi(admin)
                .runInstance(new InstanceCreate()
                        .subnetId(subnetId)
                        .hostId(host.getHost().getHostId())
                        .kind(InstanceKind.SIMULATED)
                        .privateIpAddress(ip));
    }

    private SseClient stream(RegisteredHost host, String lastEventId) {
        return new SseClient(streamUri(host), host.getToken(), lastEventId);
    }

    private URI streamUri(RegisteredHost host) {
        return URI.create(
                "http://localhost:" + port + "/api/v1/hosts/" + host.getHost().getHostId() + "/table-stream");
    }

    private ApiClient client(String token) {
        return TestServers.client("http://localhost:" + port, token);
    }
}
