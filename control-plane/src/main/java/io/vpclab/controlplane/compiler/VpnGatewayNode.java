package io.vpclab.controlplane.compiler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;

/**
 * A VPN gateway placed on a host: its side in the VPC is a port ({@link #port()}) on the segment
 * of {@code subnetId} with the tunnel address {@code tunnelIp}, the next hop every host of the
 * VPC routes the peers' on-premises CIDRs to; its WireGuard side listens on {@code listenPort}.
 *
 * @param tunnelIp   base + 3 of the subnet: an address the subnet reserves (AWS's "future use"),
 *                   so no instance ever holds it and it needs no allocation
 * @param privateKey base64; compiled into its own host's table only
 */
public record VpnGatewayNode(
        String id,
        String name,
        String subnetId,
        String hostId,
        String tunnelIp,
        int listenPort,
        String privateKey,
        List<Peer> peers) {

    /** The port kind of a VPN gateway's side in its VPC in the table contract. */
    public static final String PORT_KIND = "vpn-gateway";

    /** One VPN connection: the customer gateway's key and address, and what lies behind it. */
    public record Peer(
            String connectionId,
            String publicKey,
            String presharedKey,
            String endpointIp,
            List<String> onPremisesCidrs) {

        public Peer {
            Objects.requireNonNull(connectionId, "connectionId");
            Objects.requireNonNull(publicKey, "publicKey");
            onPremisesCidrs = List.copyOf(onPremisesCidrs);
        }

        @Override
        public String toString() {
            return "Peer[" + connectionId + ", " + onPremisesCidrs + "]";
        }
    }

    public VpnGatewayNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subnetId, "subnetId");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(tunnelIp, "tunnelIp");
        Objects.requireNonNull(privateKey, "privateKey");
        peers = List.copyOf(peers);
    }

    /** The port's MAC: derived from the gateway id, so every host and every restart agree (02:..., unicast). */
    public String mac() {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(("vpn-gateway:" + id).getBytes(StandardCharsets.UTF_8));
            return String.format("02:%02x:%02x:%02x:%02x:%02x", digest[0], digest[1], digest[2], digest[3], digest[4]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The gateway's side in the VPC as a port of its subnet: placed, bound and ARP-answered like an instance. */
    public InstanceNode port() {
        return new InstanceNode(id, name == null ? id : name, subnetId, hostId, PORT_KIND, tunnelIp, mac());
    }

    /** Never the private key. */
    @Override
    public String toString() {
        return "VpnGatewayNode[" + id + ", host " + hostId + ", " + tunnelIp + ", UDP " + listenPort + ", " + peers
                + "]";
    }
}
