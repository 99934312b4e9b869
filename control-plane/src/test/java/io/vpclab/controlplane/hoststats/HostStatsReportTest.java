package io.vpclab.controlplane.hoststats;

import static io.vpclab.controlplane.southbound.ControlPlaneLab.ping;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostStatsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.HostStats;
import io.vpclab.client.model.HostStatsReport;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.LoopStats;
import io.vpclab.client.model.PortStats;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.TrafficStats;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.southbound.ControlPlaneLab;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Counter reports from real agents: agent st-1 posts on its own every second, agent st-2 only
 * when the test asks, so its stored report is exactly what the test expects. Ordered because the
 * last test stores a report taken in the future, which makes st-2's own reports stale.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostStatsReportTest {

    private static final Duration CONVERGENCE = Duration.ofSeconds(30);

    private ControlPlaneLab lab;
    private FollowAgent reporting;
    private FollowAgent quiet;
    private Instance vm1;
    private Instance vm2;
    private HostStatsApi stats;

    @BeforeAll
    void start() throws Exception {
        lab = new ControlPlaneLab();
        lab.startServer();
        int udpBase = FreeUdpPorts.consecutive(2);
        reporting = lab.agent("st-1", udpBase);
        quiet = lab.agent("st-2", udpBase + 1, Duration.ZERO);
        String tenantId = new TenantsApi(lab.admin())
                .createTenant(new TenantCreate().name("stats"))
                .getTenantId();
        String vpcId = new VpcsApi(lab.admin())
                .createVpc(new VpcCreate().cidrBlock("10.8.0.0/16").tenantId(tenantId))
                .getVpcId();
        String subnetId = new SubnetsApi(lab.admin())
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.8.1.0/24"))
                .getSubnetId();
        InstancesApi instances = new InstancesApi(lab.admin());
        vm1 = instances.runInstance(new InstanceCreate()
                .subnetId(subnetId)
                .hostId(reporting.hostId())
                .kind(InstanceKind.SIMULATED)
                .privateIpAddress("10.8.1.5"));
        vm2 = instances.runInstance(new InstanceCreate()
                .subnetId(subnetId)
                .hostId(quiet.hostId())
                .kind(InstanceKind.SIMULATED)
                .privateIpAddress("10.8.1.6"));
        await().atMost(CONVERGENCE).until(() -> lab.converged(reporting) && lab.converged(quiet));
        stats = new HostStatsApi(lab.admin());
    }

    @AfterAll
    void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(2)
    void aReportingAgentsCountersMoveAfterAPing() throws Exception {
        await().atMost(CONVERGENCE).until(() -> latest(reporting).isPresent());
        HostStats before = latest(reporting).orElseThrow();
        long portInBefore =
                port(before, vm1.getInstanceId()).map(PortStats::getPacketsIn).orElse(0L);
        long hostOutBefore = before.getReport().getHost().getPacketsOut();

        assertThat(ping(reporting, vm1.getInstanceId(), "10.8.1.6").getReceived())
                .isEqualTo(2);

        await().atMost(CONVERGENCE).untilAsserted(() -> {
            HostStats now = latest(reporting).orElseThrow();
            assertThat(now.getReceivedAt()).isAfter(before.getReceivedAt());
            assertThat(port(now, vm1.getInstanceId()).orElseThrow().getPacketsIn())
                    .as("echo requests from vm1")
                    .isGreaterThanOrEqualTo(portInBefore + 2);
            assertThat(now.getReport().getHost().getPacketsOut())
                    .as("datagrams to st-2")
                    .isGreaterThanOrEqualTo(hostOutBefore + 2);
            assertThat(now.getReport().getSegments()).as("the subnet's segment").isNotEmpty();
        });
    }

    @Test
    @Order(1)
    void aHostThatNeverReportedHasNoStatsAndOneReportOnDemandIsStored() throws Exception {
        assertThat(latest(quiet)).as("st-2 posts only when asked").isEmpty();
        assertThat(ping(reporting, vm1.getInstanceId(), "10.8.1.6").getReceived())
                .isEqualTo(2);
        quiet.reportStats();

        HostStats stored = latest(quiet).orElseThrow();
        assertThat(stored.getHostId()).isEqualTo(quiet.hostId());
        assertThat(port(stored, vm2.getInstanceId()).orElseThrow().getPacketsOut())
                .as("echo requests to vm2")
                .isGreaterThanOrEqualTo(2);
        assertThat(port(stored, vm2.getInstanceId()).orElseThrow().getPacketsIn())
                .as("echo replies from vm2")
                .isGreaterThanOrEqualTo(2);
        assertThat(stored.getReport().getLoops())
                .as("each event loop's share")
                .isNotEmpty()
                .extracting(LoopStats::getLoop)
                .isEqualTo(java.util.stream.IntStream.range(
                                0, stored.getReport().getLoops().size())
                        .boxed()
                        .toList());
        assertThat(stored.getReport().getLoops().stream()
                        .mapToLong(LoopStats::getPortFramesIn)
                        .sum())
                .as("the loops' port frames in count vm2's echo replies")
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(3)
    void badReportsAreRefusedWholeAndChangeNothing() throws Exception {
        quiet.reportStats();
        HostStats stored = latest(quiet).orElseThrow();

        HostStatsReport negative = report(OffsetDateTime.now().plusMinutes(1));
        negative.getHost().setPacketsIn(-1L);
        assertRefusedAsInvalid(negative);

        HostStatsReport badReason = report(OffsetDateTime.now().plusMinutes(1));
        badReason.getHost().setDropsByReason(Map.of("no route!", 3L));
        assertRefusedAsInvalid(badReason);

        HostStatsReport duplicatePort = report(OffsetDateTime.now().plusMinutes(1));
        duplicatePort.addPortsItem(portStats(vm2.getInstanceId())).addPortsItem(portStats(vm2.getInstanceId()));
        assertRefusedAsInvalid(duplicatePort);

        HostStatsReport duplicateLoop = report(OffsetDateTime.now().plusMinutes(1));
        duplicateLoop.addLoopsItem(loopStats(0)).addLoopsItem(loopStats(0));
        assertRefusedAsInvalid(duplicateLoop);

        assertThat(latest(quiet)).contains(stored);
    }

    @Test
    @Order(4)
    void staleReportsAreIgnoredAndForeignPortsLeftOut() throws Exception {
        quiet.reportStats();
        HostStats stored = latest(quiet).orElseThrow();

        stats.reportHostStats(
                quiet.hostId(), report(stored.getReport().getTakenAt().minusSeconds(1)));
        assertThat(latest(quiet)).as("older than the stored one").contains(stored);

        HostStatsReport speaksForOthers = report(stored.getReport().getTakenAt().plusSeconds(1))
                .addPortsItem(portStats(vm2.getInstanceId()))
                .addPortsItem(portStats(vm1.getInstanceId()));
        stats.reportHostStats(quiet.hostId(), speaksForOthers);
        HostStats trimmed = latest(quiet).orElseThrow();
        assertThat(trimmed.getReport().getPorts())
                .extracting(PortStats::getPortId)
                .as("vm1 lives on st-1")
                .containsExactly(vm2.getInstanceId());
    }

    @Test
    @Order(5)
    void aHostTokenReportsForItsOwnHostOnly() throws Exception {
        HostStatsApi asQuiet = new HostStatsApi(
                io.vpclab.controlplane.TestServers.client(lab.uri().toString(), lab.hostToken("st-2")));
        OffsetDateTime later =
                latest(quiet).orElseThrow().getReport().getTakenAt().plusHours(1);

        assertThatThrownBy(() -> asQuiet.reportHostStats(reporting.hostId(), report(later)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getResponseBody()).contains("InvalidHost.NotFound");
                });
        assertThatThrownBy(() -> asQuiet.getHostStats(quiet.hostId()))
                .as("reading counters is the admin's")
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        asQuiet.reportHostStats(quiet.hostId(), report(later));
        assertThat(latest(quiet).orElseThrow().getReport().getTakenAt()).isEqualTo(later);
    }

    private static LoopStats loopStats(int loop) {
        return new LoopStats()
                .loop(loop)
                .underlayIn(0L)
                .underlayOut(0L)
                .portFramesIn(0L)
                .portFramesOut(0L);
    }

    private void assertRefusedAsInvalid(HostStatsReport report) {
        assertThatThrownBy(() -> stats.reportHostStats(quiet.hostId(), report))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(400);
                    assertThat(e.getResponseBody()).contains("InvalidParameterValue");
                    assertThat(e.getResponseHeaders().firstValue("Content-Type"))
                            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                });
    }

    private Optional<HostStats> latest(FollowAgent agent) throws ApiException {
        try {
            return Optional.of(stats.getHostStats(agent.hostId()));
        } catch (ApiException e) {
            assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(404);
            assertThat(e.getResponseBody()).contains("InvalidHostStats.NotFound");
            return Optional.empty();
        }
    }

    private static Optional<PortStats> port(HostStats stats, String portId) {
        return stats.getReport().getPorts().stream()
                .filter(p -> p.getPortId().equals(portId))
                .findFirst();
    }

    private static HostStatsReport report(OffsetDateTime takenAt) {
        return new HostStatsReport()
                .takenAt(takenAt)
                .host(new TrafficStats()
                        .packetsIn(1L)
                        .packetsOut(1L)
                        .bytesIn(60L)
                        .bytesOut(60L)
                        .floods(0L)
                        .arpSuppressed(0L)
                        .drops(0L));
    }

    private static PortStats portStats(String portId) {
        return new PortStats()
                .portId(portId)
                .packetsIn(1L)
                .packetsOut(1L)
                .bytesIn(60L)
                .bytesOut(60L)
                .floods(0L)
                .arpSuppressed(0L)
                .drops(0L);
    }
}
