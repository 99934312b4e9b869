package io.vpclab.controlplane.compiler;

import io.vpclab.net.Vni;
import java.util.List;
import java.util.Objects;

/**
 * The simulated provider network: one segment (a reserved VNI) routed by the "public" router,
 * which answers for {@code gatewayIp} and routes {@code publicCidr} (internet hosts) and the
 * EIP pool onto that segment. Nothing on it ever leaves for a real uplink.
 */
public record PublicNetwork(
        int vni, String publicCidr, String gatewayIp, String eipPool, List<InternetHostNode> internetHosts) {

    /** The router id of the provider segment in every table. */
    public static final String ROUTER_ID = "public";
    /** Locally administered, fixed: every host agrees on it without storing it. */
    public static final String ROUTER_MAC = "02:00:00:00:ff:fe";
    /** Documentation ranges (RFC 5737) and the highest VNI by default. */
    public static final PublicNetwork DEFAULT =
            new PublicNetwork(Vni.MAX, "198.51.100.0/24", "198.51.100.1", "203.0.113.0/24", List.of());

    public PublicNetwork {
        Objects.requireNonNull(publicCidr, "publicCidr");
        Objects.requireNonNull(gatewayIp, "gatewayIp");
        Objects.requireNonNull(eipPool, "eipPool");
        internetHosts = List.copyOf(internetHosts);
    }

    public PublicNetwork withInternetHosts(List<InternetHostNode> hosts) {
        return new PublicNetwork(vni, publicCidr, gatewayIp, eipPool, hosts);
    }
}
