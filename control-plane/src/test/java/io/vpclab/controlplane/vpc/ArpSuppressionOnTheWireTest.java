package io.vpclab.controlplane.vpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.api.HostStatsApi;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.ArpSuppressionSetting;
import io.vpclab.client.model.BroadcastBurstRequest;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostStatsReport;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.SegmentStats;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.Vpc;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.TestServers;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * ARP suppression switched through the REST API against the demo's three agents: off, a broadcast
 * burst from one instance costs one underlay copy per remote VTEP of the segment per broadcast,
 * counted by the source agent and reported in its stats; on again, it costs nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ArpSuppressionOnTheWireTest {

    static final String ADMIN_TOKEN = "arp-admin-" + UUID.randomUUID();
    static final Duration CONVERGENCE = Duration.ofSeconds(90);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.demo.enabled", () -> "true");
        registry.add("vpclab.demo.port", () -> FreeUdpPorts.consecutive(1));
        registry.add("vpclab.admin-token", () -> ADMIN_TOKEN);
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "arp-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
    }

    @LocalServerPort
    int port;

    @Test
    void aBurstWithoutSuppressionCostsOneCopyPerRemoteVtepPerBroadcast() throws Exception {
        ApiClient admin = TestServers.client("http://127.0.0.1:" + port, ADMIN_TOKEN);
        VpcsApi vpcs = new VpcsApi(admin);
        await().atMost(CONVERGENCE).until(() -> demoHosts(admin).size() == 3);
        List<Host> hosts = demoHosts(admin);
        String tenantId = new TenantsApi(admin)
                .createTenant(new TenantCreate().name("arp-wire"))
                .getTenantId();
        Vpc vpc = vpcs.createVpc(
                new VpcCreate().cidrBlock("10.40.0.0/16").tenantId(tenantId).arpSuppression(false));
        assertThat(vpc.getArpSuppression()).isFalse();
        Subnet subnet = new SubnetsApi(admin)
                .createSubnet(new SubnetCreate().vpcId(vpc.getVpcId()).cidrBlock("10.40.1.0/24"));
        List<Instance> instances = new ArrayList<>();
        for (Host host : hosts) {
            instances.add(new InstancesApi(admin)
                    .runInstance(new InstanceCreate()
                            .subnetId(subnet.getSubnetId())
                            .hostId(host.getHostId())
                            .kind(InstanceKind.SIMULATED)));
        }
        Instance source = instances.get(0);
        Instance owner = instances.get(2);
        DiagnosticsApi diagnostics = new DiagnosticsApi(admin);
        await().atMost(CONVERGENCE)
                .ignoreExceptions() // 409 until the agents have the instances
                .until(() -> diagnostics
                                .pingFromInstance(
                                        source.getInstanceId(),
                                        new PingRequest()
                                                .target(owner.getPrivateIpAddress())
                                                .count(1))
                                .getReceived()
                        == 1);

        int broadcasts = 40;
        long before = floodCopies(admin, source.getHostId(), subnet.getSegmentId(), OffsetDateTime.now());
        assertThat(diagnostics
                        .broadcastBurstFromInstance(
                                source.getInstanceId(),
                                new BroadcastBurstRequest()
                                        .target(owner.getPrivateIpAddress())
                                        .count(broadcasts))
                        .getSent())
                .isEqualTo(broadcasts);
        OffsetDateTime sent = OffsetDateTime.now();
        await().atMost(CONVERGENCE)
                .until(() -> floodCopies(admin, source.getHostId(), subnet.getSegmentId(), sent) - before
                        == 2L * broadcasts);

        Vpc on = vpcs.setVpcArpSuppression(vpc.getVpcId(), new ArpSuppressionSetting().arpSuppression(true));
        assertThat(on.getArpSuppression()).isTrue();
        assertThat(vpcs.getVpc(vpc.getVpcId()).getArpSuppression()).isTrue();
        await().atMost(CONVERGENCE).until(() -> converged(admin));
        long afterOff = floodCopies(admin, source.getHostId(), subnet.getSegmentId(), OffsetDateTime.now());
        diagnostics.broadcastBurstFromInstance(
                source.getInstanceId(),
                new BroadcastBurstRequest().target(owner.getPrivateIpAddress()).count(broadcasts));
        OffsetDateTime quiet = OffsetDateTime.now();
        assertThat(floodCopies(admin, source.getHostId(), subnet.getSegmentId(), quiet))
                .as("answered by the source agent: no copy on the underlay")
                .isEqualTo(afterOff);
        assertThat(segment(report(admin, source.getHostId(), quiet), subnet.getSegmentId())
                        .getArpSuppressed())
                .isGreaterThanOrEqualTo(broadcasts);
    }

    @Test
    void badSettingsAreRefusedAndChangeNothing() throws Exception {
        ApiClient admin = TestServers.client("http://127.0.0.1:" + port, ADMIN_TOKEN);
        VpcsApi vpcs = new VpcsApi(admin);
        String tenantId = new TenantsApi(admin)
                .createTenant(new TenantCreate().name("arp-refusals"))
                .getTenantId();
        Vpc vpc = vpcs.createVpc(new VpcCreate().cidrBlock("10.41.0.0/16").tenantId(tenantId));
        assertThat(vpc.getArpSuppression()).as("the default").isTrue();

        assertThat(problem(() -> vpcs.setVpcArpSuppression(vpc.getVpcId(), new ArpSuppressionSetting())))
                .startsWith("400 ");
        assertThat(problem(() -> vpcs.setVpcArpSuppression(
                        "vpc-00000000000000000", new ArpSuppressionSetting().arpSuppression(false))))
                .isEqualTo("404 InvalidVpcID.NotFound");
        assertThat(problem(() -> new DiagnosticsApi(admin)
                        .broadcastBurstFromInstance(
                                "i-00000000000000000",
                                new BroadcastBurstRequest().target("10.41.1.5").count(1))))
                .startsWith("404 ");
        assertThat(vpcs.getVpc(vpc.getVpcId()).getArpSuppression()).isTrue();
    }

    private static List<Host> demoHosts(ApiClient admin) throws ApiException {
        return new HostsApi(admin)
                .listHosts(100, null).getItems().stream()
                        .filter(h -> h.getName().startsWith("demo-host-"))
                        .toList();
    }

    private static boolean converged(ApiClient admin) throws ApiException {
        return new HostsApi(admin)
                .listHosts(100, null).getItems().stream()
                        .allMatch(h -> h.getAppliedGeneration() >= h.getDesiredGeneration());
    }

    /** The host's first report taken after {@code after} (agents report about once a second). */
    private static HostStatsReport report(ApiClient admin, String hostId, OffsetDateTime after) {
        return await().atMost(CONVERGENCE)
                .ignoreExceptionsInstanceOf(ApiException.class) // 404 until the host's first report
                .until(
                        () -> new HostStatsApi(admin).getHostStats(hostId).getReport(),
                        r -> r != null && r.getTakenAt().isAfter(after));
    }

    private static SegmentStats segment(HostStatsReport report, int vni) {
        return report.getSegments().stream()
                .filter(s -> s.getVni() == vni)
                .findFirst()
                .orElse(new SegmentStats().vni(vni).floodCopies(0L).arpSuppressed(0L));
    }

    private static long floodCopies(ApiClient admin, String hostId, int vni, OffsetDateTime after) {
        Long copies = segment(report(admin, hostId, after), vni).getFloodCopies();
        return copies == null ? 0 : copies;
    }

    interface Call {
        void run() throws Exception;
    }

    /** "STATUS Code" of the refusal. */
    private static String problem(Call call) {
        ApiException e = catchThrowableOfType(ApiException.class, call::run);
        assertThat(e).as("refused").isNotNull();
        String code = JsonMapper.builder()
                .build()
                .readTree(e.getResponseBody())
                .path("code")
                .asString();
        return e.getCode() + " " + code;
    }
}
