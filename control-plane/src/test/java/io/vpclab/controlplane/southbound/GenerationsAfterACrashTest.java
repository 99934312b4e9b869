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
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.HostStatus;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.RegisteredHost;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TableAck;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.client.table.TableEventId;
import io.vpclab.controlplane.ServerProcess;
import io.vpclab.controlplane.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generations after a {@code kill -9} of the server. The test plays the agent over the real
 * stream, so it decides when to reconnect. The store is set back by one generation between the
 * runs, as a crash between sending a delta and recording it does (and as H2's delayed commits
 * did): the restarted server then hands out the agent's generation number again, for another
 * table. The agent must get a snapshot anyway, its ack of the old run must not count, and the
 * host must not show connected or converged until the agent really is.
 */
class GenerationsAfterACrashTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void anAgentOfTheRunBeforeACrashGetsASnapshotAndShowsConvergedOnlyAfterItsAck(@TempDir Path temp) throws Exception {
        Path dataDir = temp.resolve("data");
        int port = ServerProcess.freePort();
        RegisteredHost host;
        String keptInstance;
        String lostInstance;
        TableEventId held;
        try (ServerProcess first = ServerProcess.start(dataDir, port, Map.of())) {
            ApiClient admin = first.admin();
            host = new HostsApi(admin)
                    .registerHost(new HostRegistration().name("survivor").underlayIp("127.0.0.1"));
            String tenantId = new TenantsApi(admin)
                    .createTenant(new TenantCreate().name("crash"))
                    .getTenantId();
            String vpcId = new VpcsApi(admin)
                    .createVpc(new VpcCreate().tenantId(tenantId).cidrBlock("10.4.0.0/16"))
                    .getVpcId();
            String subnetId = new SubnetsApi(admin)
                    .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.4.1.0/24"))
                    .getSubnetId();
            InstancesApi instances = new InstancesApi(admin);
            keptInstance = instances
                    .runInstance(new InstanceCreate().subnetId(subnetId).hostId(hostId(host)))
                    .getInstanceId();
            lostInstance = instances
                    .runInstance(new InstanceCreate().subnetId(subnetId).hostId(hostId(host)))
                    .getInstanceId();
            try (SseClient stream = new SseClient(streamUri(first, host), host.getToken(), null)) {
                SseClient.Event snapshot = stream.next();
                assertThat(snapshot.name()).isEqualTo("snapshot");
                assertThat(JSON.readValue(snapshot.data(), ForwardingTable.class)
                                .getPorts())
                        .extracting(p -> p.getId())
                        .containsExactlyInAnyOrder(keptInstance, lostInstance);
                held = TableEventId.parse(snapshot.id()).orElseThrow();
                new SouthboundApi(TestServers.client(first.baseUri(), host.getToken()))
                        .acknowledgeGeneration(hostId(host), ack(held));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> converged(new HostsApi(admin).getHost(hostId(host))));
                first.kill();
            }
        }
        forgetLastGeneration(dataDir, hostId(host), held.generation() - 1);

        try (ServerProcess second = ServerProcess.start(dataDir, port, Map.of())) {
            ApiClient admin = second.admin();
            Host afterRestart = new HostsApi(admin).getHost(hostId(host));
            assertThat(afterRestart.getStatus())
                    .as("no agent follows a server that just started")
                    .isEqualTo(HostStatus.DISCONNECTED);
            assertThat(converged(afterRestart)).isFalse();

            // a change before the agent is back: this run's first table for the host lacks the instance
            new InstancesApi(admin).terminateInstance(lostInstance);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> new SouthboundApi(admin)
                            .getForwardingTable(hostId(host)).getPorts().stream()
                                    .noneMatch(p -> p.getId().equals(lostInstance)));
            ForwardingTable desired = new SouthboundApi(admin).getForwardingTable(hostId(host));

            SouthboundApi southbound = new SouthboundApi(TestServers.client(second.baseUri(), host.getToken()));
            assertThatThrownBy(() -> southbound.acknowledgeGeneration(hostId(host), ack(held)))
                    .as("an ack of the run before the crash")
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.getCode()).isEqualTo(409));

            try (SseClient resumed = new SseClient(streamUri(second, host), host.getToken(), held.toString())) {
                SseClient.Event event = resumed.next();
                assertThat(event.name()).as("resuming from %s", held).isEqualTo("snapshot");
                ForwardingTable snapshot = JSON.readValue(event.data(), ForwardingTable.class);
                assertThat(snapshot.getPorts()).extracting(p -> p.getId()).containsExactly(keptInstance);
                TableEventId now = TableEventId.parse(event.id()).orElseThrow();
                assertThat(now.generation()).isEqualTo(snapshot.getGeneration()).isEqualTo(desired.getGeneration());
                assertThat(now.incarnation()).isNotEqualTo(held.incarnation());

                Host connected = new HostsApi(admin).getHost(hostId(host));
                assertThat(connected.getStatus()).isEqualTo(HostStatus.CONNECTED);
                assertThat(converged(connected))
                        .as("connected, not yet acknowledged")
                        .isFalse();

                southbound.acknowledgeGeneration(hostId(host), ack(now));
                Host acknowledged = new HostsApi(admin).getHost(hostId(host));
                assertThat(converged(acknowledged)).isTrue();
                assertThat(acknowledged.getAppliedGeneration()).isEqualTo(now.generation());
            }
        }
    }

    /** Sets the host's recorded generations back, as a store that lost its last generation records. */
    private static void forgetLastGeneration(Path dataDir, String hostId, long generation) throws Exception {
        try (Connection connection =
                        DriverManager.getConnection("jdbc:h2:file:" + dataDir.toAbsolutePath() + "/vpclab", "sa", "");
                PreparedStatement update = connection.prepareStatement(
                        "update host set desired_generation = ?, applied_generation = ? where id = ?")) {
            update.setLong(1, generation);
            update.setLong(2, generation);
            update.setString(3, hostId);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static boolean converged(Host host) {
        return host.getStatus() == HostStatus.CONNECTED
                && host.getAppliedGeneration().equals(host.getDesiredGeneration());
    }

    private static TableAck ack(TableEventId id) {
        return new TableAck().generation(id.generation()).incarnation(id.incarnation());
    }

    private static String hostId(RegisteredHost host) {
        return host.getHost().getHostId();
    }

    private static URI streamUri(ServerProcess server, RegisteredHost host) {
        return URI.create(server.baseUri() + "/api/v1/hosts/" + hostId(host) + "/table-stream");
    }
}
