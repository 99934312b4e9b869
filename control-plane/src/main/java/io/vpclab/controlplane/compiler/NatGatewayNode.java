package io.vpclab.controlplane.compiler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;

/**
 * A NAT gateway placed on a host with its elastic IP bound: its private side is a port
 * ({@link #port()}) in its own subnet, its public side {@code publicIp} on the provider segment.
 *
 * @param egressPolicy         ALLOW_ALL or WHITELIST
 * @param whitelist            the egress whitelist under WHITELIST, or null (then WHITELIST lets no new flow out)
 * @param associatedSubnetIds  the subnets whose default route it is
 * @param portMin              lowest public port it allocates
 * @param portMax              highest public port it allocates
 */
public record NatGatewayNode(
        String id,
        String name,
        String subnetId,
        String hostId,
        String privateIp,
        String publicIp,
        String egressPolicy,
        WhitelistNode whitelist,
        int tcpIdleSeconds,
        int udpIdleSeconds,
        List<String> associatedSubnetIds,
        int portMin,
        int portMax) {

    /** The port kind of a NAT gateway's private side in the table contract. */
    public static final String PORT_KIND = "nat-gateway";

    public NatGatewayNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subnetId, "subnetId");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(privateIp, "privateIp");
        Objects.requireNonNull(publicIp, "publicIp");
        egressPolicy = egressPolicy == null ? "ALLOW_ALL" : egressPolicy;
        associatedSubnetIds = List.copyOf(associatedSubnetIds);
    }

    /**
     * The private side's MAC: derived from the gateway id so every host and every restart agree
     * without storing it. Locally administered unicast (02:...), like instance MACs.
     */
    public String mac() {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(("nat-gateway:" + id).getBytes(StandardCharsets.UTF_8));
            return String.format("02:%02x:%02x:%02x:%02x:%02x", digest[0], digest[1], digest[2], digest[3], digest[4]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The private side as a port of its subnet: placed, bound and ARP-answered like an instance. */
    public InstanceNode port() {
        return new InstanceNode(id, name == null ? id : name, subnetId, hostId, PORT_KIND, privateIp, mac());
    }
}
