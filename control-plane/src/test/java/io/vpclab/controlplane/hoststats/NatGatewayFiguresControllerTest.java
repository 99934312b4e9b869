package io.vpclab.controlplane.hoststats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.vpclab.api.model.HostStatsReport;
import io.vpclab.api.model.NatGatewayStats;
import io.vpclab.api.model.TrafficStats;
import io.vpclab.controlplane.host.HostChanged;
import io.vpclab.controlplane.natgateway.NatGateway;
import io.vpclab.controlplane.natgateway.NatGatewayService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.WebSlice;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * A web slice: the figures of a NAT gateway as the controller reads them from its host's last two
 * counter reports (totals from the latest, rates per second between the two), with the gateway's
 * visibility left to a mocked NatGatewayService.
 */
@WebMvcTest(NatGatewayFiguresController.class)
@Import({WebSlice.class, HostStatsStore.class})
class NatGatewayFiguresControllerTest {

    private static final String NAT = "nat-00000000000000001";
    private static final String HOST = "host-00000000000000001";
    private static final OffsetDateTime T0 = OffsetDateTime.of(2026, 12, 6, 10, 0, 0, 0, ZoneOffset.UTC);

    @Autowired
    MockMvcTester mvc;

    @Autowired
    HostStatsStore stats;

    @MockitoBean
    NatGatewayService natGateways;

    @BeforeEach
    void placeTheGatewayOnAHostWithoutReports() {
        stats.on(new HostChanged(HOST, ChangeKind.DELETED)); // the store outlives a test: forget earlier reports
        NatGateway gateway = mock(NatGateway.class);
        when(gateway.hostId()).thenReturn(HOST);
        when(natGateways.get(any(), eq(NAT)))
                .thenReturn(new NatGatewayService.NatGatewayView(gateway, null, List.of()));
        when(natGateways.get(any(), eq("nat-00000000000000404")))
                .thenThrow(ApiException.notFound(
                        "InvalidNatGatewayID.NotFound", "NAT gateway nat-00000000000000404 does not exist"));
    }

    private void report(OffsetDateTime takenAt, long created, long packetsOut, long bytesIn, Map<String, Long> drops) {
        NatGatewayStats nat = new NatGatewayStats(NAT, 1L, created, packetsOut, packetsOut * 100, 0L, bytesIn, 0L)
                .dropsByReason(drops);
        HostStatsReport report = new HostStatsReport(takenAt, new TrafficStats()).natGateways(List.of(nat));
        assertThat(stats.accept(HOST, report, Instant.now())).isTrue();
    }

    private MvcTestResult figures(String natGatewayId) {
        return mvc.get()
                .uri("/api/v1/nat-gateways/{id}/figures", natGatewayId)
                .header("Authorization", "Bearer " + WebSlice.TENANT_TOKEN)
                .exchange();
    }

    @Test
    void beforeAnyReportTheFiguresAreZeroOnTheGatewaysHost() {
        assertThat(figures(NAT))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.hostId", v -> v.assertThat().isEqualTo(HOST))
                .hasPathSatisfying("$.packetsOut", v -> v.assertThat().isEqualTo(0))
                .hasPathSatisfying("$.packetsOutPerSecond", v -> v.assertThat().isEqualTo(0.0));
    }

    @Test
    void totalsComeFromTheLatestReportAndRatesFromTheLastTwo() {
        report(T0, 10, 100, 5_000, Map.of());
        report(T0.plusSeconds(2), 30, 300, 9_000, Map.of("NAT_UNSOLICITED", 3L));

        assertThat(figures(NAT))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.sessionsCreated", v -> v.assertThat().isEqualTo(30))
                .hasPathSatisfying("$.packetsOut", v -> v.assertThat().isEqualTo(300))
                .hasPathSatisfying(
                        "$.newConnectionsPerSecond", v -> v.assertThat().isEqualTo(10.0))
                .hasPathSatisfying("$.packetsOutPerSecond", v -> v.assertThat().isEqualTo(100.0))
                .hasPathSatisfying("$.bytesInPerSecond", v -> v.assertThat().isEqualTo(2_000.0))
                .hasPathSatisfying(
                        "$.dropsByReason.NAT_UNSOLICITED", v -> v.assertThat().isEqualTo(3));
    }

    @Test
    void aCounterThatWentBackIsARestartedAgentAndGivesNoNegativeRate() {
        report(T0, 50, 500, 0, Map.of());
        report(T0.plusSeconds(1), 2, 20, 0, Map.of());

        assertThat(figures(NAT))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying(
                        "$.newConnectionsPerSecond", v -> v.assertThat().isEqualTo(0.0))
                .hasPathSatisfying("$.packetsOutPerSecond", v -> v.assertThat().isEqualTo(0.0));
    }

    @Test
    void anUnknownOrForeignGatewayIsAProblem404AndNoTokenIs401() {
        assertThat(figures("nat-00000000000000404"))
                .hasStatus(404)
                .hasContentTypeCompatibleWith("application/problem+json")
                .bodyJson()
                .hasPathSatisfying("$.code", v -> v.assertThat().isEqualTo("InvalidNatGatewayID.NotFound"));
        assertThat(mvc.get().uri("/api/v1/nat-gateways/{id}/figures", NAT).exchange())
                .hasStatus(401);
    }
}
