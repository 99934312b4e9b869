package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Address;

/**
 * A remote VTEP this host exchanges VXLAN with (contract schema {@code Vtep}). VXLAN from any
 * address not listed is dropped.
 *
 * @param id      host id, or any name in a static table
 * @param ip      its underlay address
 * @param udpPort its VXLAN UDP port, 1..65535
 */
public record RemoteVtep(String id, Ipv4Address ip, int udpPort) {

    public RemoteVtep {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("vtep.id is required");
        }
        TableHost.requireNonNull(ip, "vtep " + id + ": ip");
        if (udpPort < 1 || udpPort > 65535) {
            throw new IllegalArgumentException("vtep " + id + ": port must be 1..65535: " + udpPort);
        }
    }
}
