package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import io.vpclab.client.model.HostStatus;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.RegisteredHost;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TableAck;
import io.vpclab.client.model.TableDelta;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.client.table.TableEventId;
import io.vpclab.controlplane.ServerProcess;
import io.vpclab.controlplane.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generations after a {@code kill -9} of the server. The test plays the agent over the real
 * stream, so it decides when to reconnect. The store allocated the agent's generation before it
 * was sent, so it keeps meaning the agent's table: the restarted server numbers its tables
 * after it, in the same incarnation (the same table keeps its number, so the agent resumes with a
 * delta), and the host shows neither connected nor converged until the agent holds and
 * acknowledged the new table.
 */
class GenerationsAfterACrashTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void anAgentOfTheRunBeforeACrashGetsTheNewTableAndShowsConvergedOnlyAfterItsAck(@TempDir Path temp)
            throws Exception {
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
            try (SseClient resumed = new SseClient(streamUri(second, host), host.getToken(), held.toString())) {
                SseClient.Event event = resumed.next();
                // the restarted server compiled the network before it was ready: the same table as
                // before the crash, under the same generation, so the agent resumes with the delta
                assertThat(event.name()).as("resuming from %s", held).isEqualTo("delta");
                TableDelta delta = JSON.readValue(event.data(), TableDelta.class);
                assertThat(delta.getBaseGeneration()).isEqualTo(held.generation());
                assertThat(delta.getRemove().getPorts()).containsExactly(lostInstance);
                TableEventId now = TableEventId.parse(event.id()).orElseThrow();
                assertThat(now.generation())
                        .isEqualTo(delta.getGeneration())
                        .isEqualTo(desired.getGeneration())
                        .isGreaterThan(held.generation());
                assertThat(now.incarnation()).as("the same store").isEqualTo(held.incarnation());

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
