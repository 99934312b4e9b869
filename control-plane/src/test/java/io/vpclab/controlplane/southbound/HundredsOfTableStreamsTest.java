package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.client.ApiClient;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.TestServers;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One server holds hundreds of table streams with a handful of threads: the web server has 16
 * request threads and the streams 2 writers, far fewer than the streams, and the agents share
 * one HTTP client ({@link LightAgents}). A change then reaches exactly the hosts it touches.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.tomcat.threads.max=16", "vpclab.table-stream.writers=2"})
class HundredsOfTableStreamsTest {

    private static final String ADMIN = "many-streams-admin";
    private static final int STREAMS = 200;
    private static final int TOUCHED = 3;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.admin-token", () -> ADMIN);
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "many-streams-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
    }

    @LocalServerPort
    int port;

    @Test
    void hundredsOfStreamsOnAFewThreadsAndAChangeReachesOnlyTheHostsItTouches() throws Exception {
        URI server = URI.create("http://127.0.0.1:" + port);
        ApiClient admin = TestServers.client(server.toString(), ADMIN);
        HostsApi hosts = new HostsApi(admin);
        List<String> hostIds = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            hostIds.add(hosts.registerHost(new HostRegistration()
                            .name("many-" + i)
                            .underlayIp("127.0.0.1")
                            .udpPort(30_000 + i))
                    .getHost()
                    .getHostId());
        }
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        try (LightAgents fleet = new LightAgents(ADMIN, 2)) {
            List<LightAgents.Agent> agents = new ArrayList<>();
            hostIds.forEach(id -> agents.add(fleet.follow(id, List.of(server))));
            await().atMost(Duration.ofMinutes(3))
                    .alias("every agent holds and acknowledged its first table")
                    .until(() -> agents.stream().allMatch(a -> a.isConnected() && a.acknowledged() >= 0));
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore)
                    .as("threads added for %d open streams (server and agents in this JVM)", STREAMS)
                    .isLessThan(STREAMS / 10);

            long[] before =
                    agents.stream().mapToLong(LightAgents.Agent::generation).toArray();
            String tenant = new TenantsApi(admin)
                    .createTenant(new TenantCreate().name("many"))
                    .getTenantId();
            String vpc = new VpcsApi(admin)
                    .createVpc(new VpcCreate().cidrBlock("10.9.0.0/16").tenantId(tenant))
                    .getVpcId();
            String subnet = new SubnetsApi(admin)
                    .createSubnet(new SubnetCreate().vpcId(vpc).cidrBlock("10.9.1.0/24"))
                    .getSubnetId();
            List<Instance> instances = new ArrayList<>();
            for (int i = 0; i < TOUCHED; i++) {
                instances.add(new InstancesApi(admin)
                        .runInstance(new InstanceCreate().subnetId(subnet).hostId(hostIds.get(i))));
            }
            Instance last = instances.get(TOUCHED - 1);
            await().atMost(Duration.ofMinutes(1))
                    .alias("the VPC's hosts learn its last instance and acknowledge")
                    .until(() -> agents.subList(0, TOUCHED).stream()
                            .allMatch(a -> a.knows(last.getInstanceId(), last.getMacAddress())
                                    && a.acknowledged() == a.generation()));
            for (int i = TOUCHED; i < STREAMS; i++) {
                assertThat(agents.get(i).generation())
                        .as("host %d does not serve the VPC", i)
                        .isEqualTo(before[i]);
                assertThat(agents.get(i).snapshots()).isEqualTo(1);
                assertThat(agents.get(i).isConnected()).isTrue();
            }
        }
    }
}
