package io.vpclab.controlplane.vpn;

import io.vpclab.api.model.VpnTunnelStats;
import io.vpclab.controlplane.hoststats.HostStatsStore;
import io.vpclab.controlplane.system.Caller;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * A VPN connection's tunnel as the host of its gateway last reported it (state, last handshake,
 * the peer's endpoint, figures): absent while the gateway is pending or before its first report.
 */
@Component
class VpnTunnels {

    private final VpnGatewayService gateways;
    private final HostStatsStore reports;

    VpnTunnels(VpnGatewayService gateways, HostStatsStore reports) {
        this.gateways = gateways;
        this.reports = reports;
    }

    Optional<VpnTunnelStats> of(Caller caller, VpnConnection connection) {
        String hostId =
                gateways.get(caller, connection.vpnGatewayId()).gateway().hostId();
        if (hostId == null) {
            return Optional.empty();
        }
        return reports.latest(hostId)
                .flatMap(received -> received.report().getVpnTunnels().stream()
                        .filter(tunnel -> connection.id().equals(tunnel.getVpnConnectionId())
                                && connection.vpnGatewayId().equals(tunnel.getVpnGatewayId()))
                        .findFirst());
    }
}
