package io.vpclab.agent.stats;

import io.vpclab.client.model.HostStatsReport;
import io.vpclab.client.model.VpnTunnelState;
import io.vpclab.client.model.VpnTunnelStats;
import io.vpclab.dataplane.wireguard.WireGuardPort;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Supplier;

/** Each VPN connection of the VPN gateways served here: its tunnel's state, last handshake, endpoint and figures. */
public final class VpnTunnelStatsSection implements StatsSection {

    private final Supplier<Map<String, WireGuardPort>> gateways;

    /** @param gateways the WireGuard ports by VPN gateway id */
    public VpnTunnelStatsSection(Supplier<Map<String, WireGuardPort>> gateways) {
        this.gateways = gateways;
    }

    @Override
    public void contribute(HostStatsReport report) {
        gateways.get()
                .forEach((gatewayId, port) ->
                        port.tunnels().forEach(tunnel -> report.addVpnTunnelsItem(stats(gatewayId, tunnel))));
    }

    static VpnTunnelStats stats(String gatewayId, WireGuardPort.Tunnel tunnel) {
        var peer = tunnel.peer();
        long handshake = peer.lastHandshakeEpochNanos();
        InetSocketAddress endpoint = peer.endpoint();
        return new VpnTunnelStats()
                .vpnConnectionId(tunnel.connectionId())
                .vpnGatewayId(gatewayId)
                .state(VpnTunnelState.fromValue(tunnel.state().name().toLowerCase(java.util.Locale.ROOT)))
                .lastHandshakeAt(
                        handshake == 0
                                ? null
                                : OffsetDateTime.ofInstant(Instant.ofEpochSecond(0, handshake), ZoneOffset.UTC))
                .peerEndpoint(
                        endpoint == null ? null : endpoint.getAddress().getHostAddress() + ":" + endpoint.getPort())
                .packetsIn(peer.rxPackets())
                .bytesIn(peer.rxBytes())
                .packetsOut(peer.txPackets())
                .bytesOut(peer.txBytes());
    }
}
