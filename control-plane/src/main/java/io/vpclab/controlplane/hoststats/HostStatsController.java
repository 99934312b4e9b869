package io.vpclab.controlplane.hoststats;

import io.vpclab.api.HostStatsApi;
import io.vpclab.api.model.HostStats;
import io.vpclab.api.model.HostStatsReport;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.natgateway.NatGatewayService;
import io.vpclab.controlplane.southbound.NetworkCompilation;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.Callers;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class HostStatsController implements HostStatsApi {

    private final HostStatsStore store;
    private final NetworkCompilation compilation;
    private final HostService hosts;
    private final NatGatewayService natGateways;

    HostStatsController(
            HostStatsStore store, NetworkCompilation compilation, HostService hosts, NatGatewayService natGateways) {
        this.store = store;
        this.compilation = compilation;
        this.hosts = hosts;
        this.natGateways = natGateways;
    }

    @Override
    public ResponseEntity<Void> reportHostStats(String hostId, HostStatsReport report) {
        hosts.requireSelfOrAdmin(Callers.current(), hostId);
        HostStatsReports.validate(report);
        ServedResources served =
                compilation.currentTable(hostId).map(ServedResources::of).orElse(ServedResources.NOTHING);
        store.accept(hostId, HostStatsReports.trim(report, served, id -> servesNatGateway(hostId, id)), Instant.now());
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<HostStats> getHostStats(String hostId) {
        Caller caller = Callers.current();
        caller.requireAdmin();
        hosts.get(caller, hostId);
        HostStatsStore.ReceivedStats received = store.latest(hostId)
                .orElseThrow(() -> ApiException.notFound(
                        "InvalidHostStats.NotFound", "host " + hostId + " has not reported counters yet"));
        return ResponseEntity.ok(new HostStats()
                .hostId(hostId)
                .receivedAt(received.receivedAt().atOffset(ZoneOffset.UTC))
                .report(received.report()));
    }

    private boolean servesNatGateway(String hostId, String natGatewayId) {
        try {
            return hostId.equals(
                    natGateways.get(Caller.admin(), natGatewayId).gateway().hostId());
        } catch (ApiException unknown) {
            return false;
        }
    }
}
