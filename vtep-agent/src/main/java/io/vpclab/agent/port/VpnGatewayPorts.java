package io.vpclab.agent.port;

import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.VpnGateway;
import io.vpclab.dataplane.wireguard.WireGuardClock;
import io.vpclab.dataplane.wireguard.WireGuardPort;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the device of a VPN gateway's port: a {@link WireGuardPort} on the gateway's listen port
 * of the host's underlay address, framing what its peers send toward the router of the port's
 * segment. Everything comes from the table the port is part of.
 */
public final class VpnGatewayPorts {

    private static final Logger log = LoggerFactory.getLogger(VpnGatewayPorts.class);

    private VpnGatewayPorts() {}

    /** The gateway of {@code portId} in {@code state}, if the table has one. */
    public static Optional<VpnGateway> gatewayOf(ForwardingState state, String portId) {
        return state.vpnGateways().stream()
                .filter(g -> g.portId().equals(portId))
                .findFirst();
    }

    /**
     * @throws PortSetupException when the table lacks the gateway or its router, or the UDP port is taken
     */
    public static ProvisionedPort open(ForwardingState state, LocalPort port) {
        VpnGateway gateway = gatewayOf(state, port.id())
                .orElseThrow(() -> new PortSetupException("port " + port.id() + ": no vpnGateways entry"));
        Router router = state.segments().stream()
                .filter(s -> s.vni().equals(port.vni()))
                .map(Segment::routerId)
                .flatMap(id -> state.routers().stream().filter(r -> r.id().equals(id)))
                .findFirst()
                .orElseThrow(() ->
                        new PortSetupException("port " + port.id() + ": its segment " + port.vni() + " is not routed"));
        InetSocketAddress local =
                new InetSocketAddress(state.host().underlayIp().toInetAddress(), gateway.listenPort());
        WireGuardPort device;
        try {
            device = WireGuardPort.open(
                    port.name(),
                    gateway,
                    local,
                    VpnGateway.DEFAULT_LISTEN_PORT, // the ListenPort of the downloaded configuration
                    port.mac(),
                    router.mac(),
                    WireGuardClock.system());
        } catch (IllegalStateException e) {
            throw new PortSetupException(e.getMessage(), e);
        }
        log.info(
                "VPN gateway {}: WireGuard on UDP {}, {} peer(s)",
                port.id(),
                local,
                gateway.peers().size());
        return new ProvisionedPort() {
            @Override
            public String portId() {
                return port.id();
            }

            @Override
            public FrameDevice device() {
                return device;
            }

            @Override
            public void close() {
                device.close();
            }

            @Override
            public void removeCreated() {}
        };
    }
}
