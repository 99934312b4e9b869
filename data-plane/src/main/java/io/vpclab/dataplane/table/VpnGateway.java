package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A VPN gateway served by this host (contract schema {@code TableVpnGateway}): a WireGuard
 * interface on UDP {@code listenPort} of the host's underlay address whose side in the VPC is the
 * local port {@code portId} (kind vpn-gateway). Every host of the VPC routes the peers'
 * {@code allowedIps} to that port; what a peer sends enters the VPC's router from it.
 *
 * @param privateKey the WireGuard private key, 32 bytes
 */
public record VpnGateway(String portId, byte[] privateKey, int listenPort, List<Peer> peers) {

    /** WireGuard's customary port. */
    public static final int DEFAULT_LISTEN_PORT = 51820;

    /**
     * One VPN connection (contract schema {@code TableVpnPeer}).
     *
     * @param presharedKey 32 bytes, or null
     * @param endpointIp   the customer gateway's address, or null; its port is learnt from its handshake
     */
    public record Peer(
            String id, byte[] publicKey, byte[] presharedKey, Ipv4Address endpointIp, List<Ipv4Prefix> allowedIps) {

        public Peer {
            TableHost.requireNonNull(id, "vpn peer id");
            TableHost.requireNonNull(publicKey, "vpn peer " + id + ": publicKey");
            allowedIps = List.copyOf(allowedIps);
        }

        /** By value, keys included: an unchanged peer keeps its tunnel when a new table arrives. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Peer p
                    && id.equals(p.id)
                    && Arrays.equals(publicKey, p.publicKey)
                    && Arrays.equals(presharedKey, p.presharedKey)
                    && Objects.equals(endpointIp, p.endpointIp)
                    && allowedIps.equals(p.allowedIps);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, Arrays.hashCode(publicKey), endpointIp, allowedIps);
        }

        @Override
        public String toString() {
            return "Peer[" + id + ", allowedIps " + allowedIps + "]";
        }
    }

    public VpnGateway {
        TableHost.requireNonNull(portId, "vpnGateway.id");
        TableHost.requireNonNull(privateKey, "vpnGateway " + portId + ": privateKey");
        if (listenPort < 1 || listenPort > 65535) {
            throw new IllegalArgumentException("vpnGateway " + portId + ": listenPort must be 1..65535: " + listenPort);
        }
        peers = List.copyOf(peers);
    }

    /** By value, the key included: an unchanged gateway keeps its socket and sessions. */
    @Override
    public boolean equals(Object other) {
        return other instanceof VpnGateway g
                && portId.equals(g.portId)
                && Arrays.equals(privateKey, g.privateKey)
                && listenPort == g.listenPort
                && peers.equals(g.peers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(portId, listenPort, peers);
    }

    /** Never the private key. */
    @Override
    public String toString() {
        return "VpnGateway[" + portId + ", UDP " + listenPort + ", " + peers + "]";
    }
}
