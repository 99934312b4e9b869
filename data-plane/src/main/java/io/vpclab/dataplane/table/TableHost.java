package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Address;

/**
 * The VTEP itself (contract schema {@code TableHost}).
 *
 * @param underlayIp  the address the UDP socket binds to and sends from
 * @param udpPort     the VXLAN UDP port, 1..65535 (4789 by default, RFC 7348 s5)
 * @param underlayMtu 1280..65535; the inner MTU is this minus {@link io.vpclab.dataplane.packet.Vxlan#OVERHEAD}
 */
public record TableHost(Ipv4Address underlayIp, int udpPort, int underlayMtu) {

    public static final int DEFAULT_UNDERLAY_MTU = 1500;

    public TableHost {
        requireNonNull(underlayIp, "host.underlayIp");
        if (udpPort < 1 || udpPort > 65535) {
            throw new IllegalArgumentException("host.udpPort must be 1..65535: " + udpPort);
        }
        if (underlayMtu < 1280 || underlayMtu > 65535) {
            throw new IllegalArgumentException("host.underlayMtu must be 1280..65535: " + underlayMtu);
        }
    }

    static void requireNonNull(Object value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
    }
}
