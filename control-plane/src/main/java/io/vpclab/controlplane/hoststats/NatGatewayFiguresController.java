package io.vpclab.controlplane.hoststats;

import io.vpclab.api.NatGatewayFiguresApi;
import io.vpclab.api.model.HostStatsReport;
import io.vpclab.api.model.NatGatewayFigures;
import io.vpclab.api.model.NatGatewaySessions;
import io.vpclab.api.model.NatGatewayStats;
import io.vpclab.controlplane.natgateway.NatGatewayService;
import io.vpclab.controlplane.system.Callers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

/**
 * A NAT gateway's figures and sessions, read from the counter reports of the host it is placed
 * on: totals from the latest report, rates from the latest two. Visible to the gateway's tenant
 * (another tenant's id is 404, as everywhere).
 */
@RestController
class NatGatewayFiguresController implements NatGatewayFiguresApi {

    private final NatGatewayService natGateways;
    private final HostStatsStore stats;

    NatGatewayFiguresController(NatGatewayService natGateways, HostStatsStore stats) {
        this.natGateways = natGateways;
        this.stats = stats;
    }

    @Override
    public ResponseEntity<NatGatewayFigures> getNatGatewayFigures(String natGatewayId) {
        String hostId =
                natGateways.get(Callers.current(), natGatewayId).gateway().hostId();
        Optional<HostStatsReport> latestReport = report(hostId, stats::latest);
        Optional<NatGatewayStats> latest = latestReport.flatMap(r -> of(r, natGatewayId));
        NatGatewayFigures figures = new NatGatewayFigures(
                        natGatewayId, 0L, 0L, 0.0, 0L, 0L, 0L, 0L, 0.0, 0.0, 0.0, 0.0, 0L, new LinkedHashMap<>())
                .hostId(hostId);
        if (latest.isEmpty()) {
            return ResponseEntity.ok(figures);
        }
        NatGatewayStats now = latest.get();
        figures.reportedAt(latestReport.get().getTakenAt())
                .activeSessions(now.getActiveSessions())
                .sessionsCreated(now.getSessionsCreated())
                .packetsOut(now.getPacketsOut())
                .packetsIn(now.getPacketsIn())
                .bytesOut(now.getBytesOut())
                .bytesIn(now.getBytesIn())
                .portAllocationErrors(now.getPortAllocationErrors())
                .dropsByReason(
                        now.getDropsByReason() == null
                                ? new LinkedHashMap<>()
                                : new LinkedHashMap<>(now.getDropsByReason()));
        Optional<HostStatsReport> previousReport = report(hostId, stats::previous);
        Optional<NatGatewayStats> previous = previousReport.flatMap(r -> of(r, natGatewayId));
        if (previous.isPresent()) {
            double seconds = Duration.between(
                                    previousReport.get().getTakenAt(),
                                    latestReport.get().getTakenAt())
                            .toNanos()
                    / 1e9;
            NatGatewayStats before = previous.get();
            figures.newConnectionsPerSecond(rate(before, now, NatGatewayStats::getSessionsCreated, seconds))
                    .packetsOutPerSecond(rate(before, now, NatGatewayStats::getPacketsOut, seconds))
                    .packetsInPerSecond(rate(before, now, NatGatewayStats::getPacketsIn, seconds))
                    .bytesOutPerSecond(rate(before, now, NatGatewayStats::getBytesOut, seconds))
                    .bytesInPerSecond(rate(before, now, NatGatewayStats::getBytesIn, seconds));
        }
        return ResponseEntity.ok(figures);
    }

    @Override
    public ResponseEntity<NatGatewaySessions> listNatGatewaySessions(String natGatewayId) {
        String hostId =
                natGateways.get(Callers.current(), natGatewayId).gateway().hostId();
        Optional<HostStatsReport> latestReport = report(hostId, stats::latest);
        NatGatewaySessions sessions = new NatGatewaySessions(natGatewayId, List.of());
        latestReport
                .flatMap(r -> of(r, natGatewayId))
                .ifPresent(now -> sessions.reportedAt(latestReport.get().getTakenAt())
                        .items(now.getSessions() == null ? List.of() : now.getSessions()));
        return ResponseEntity.ok(sessions);
    }

    private static Optional<HostStatsReport> report(
            String hostId, java.util.function.Function<String, Optional<HostStatsStore.ReceivedStats>> which) {
        return hostId == null ? Optional.empty() : which.apply(hostId).map(HostStatsStore.ReceivedStats::report);
    }

    private static Optional<NatGatewayStats> of(HostStatsReport report, String natGatewayId) {
        return report.getNatGateways() == null
                ? Optional.empty()
                : report.getNatGateways().stream()
                        .filter(n -> natGatewayId.equals(n.getNatGatewayId()))
                        .findFirst();
    }

    /** Per second between two reports; 0 when the time did not advance or the counter went back (agent restart). */
    private static double rate(
            NatGatewayStats before, NatGatewayStats now, ToLongFunction<NatGatewayStats> counter, double seconds) {
        long delta = counter.applyAsLong(now) - counter.applyAsLong(before);
        return seconds <= 0 || delta < 0 ? 0.0 : delta / seconds;
    }
}
