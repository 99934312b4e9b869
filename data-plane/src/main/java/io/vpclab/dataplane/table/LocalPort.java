package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;

/**
 * A local instance port on a segment (contract schema {@code Port}).
 *
 * @param id           unique port id
 * @param name         human name; defaults to the id
 * @param kind         simulated, netns, tap, or nat-gateway (served by the data plane, no device)
 * @param vni          the segment
 * @param mac          the instance's MAC, unicast
 * @param ipAddress    the instance's IPv4 address, or null for an L2-only port (then only its MAC is enforced)
 * @param prefixLength 0..32, the subnet prefix length the instance is configured with
 * @param gatewayIp    the default gateway the instance is configured with, or null
 * @param mtu          68..65535, the instance's MTU
 * @param device       the TAP device name (kinds tap, netns), or null to derive it from the id
 * @param namespace    the network namespace (kind netns), or null to derive it from the id
 */
public record LocalPort(
        String id,
        String name,
        PortKind kind,
        Vni vni,
        MacAddress mac,
        Ipv4Address ipAddress,
        int prefixLength,
        Ipv4Address gatewayIp,
        int mtu,
        String device,
        String namespace) {

    public static final int DEFAULT_MTU = 1450;

    public LocalPort {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("port.id is required");
        }
        name = name == null || name.isBlank() ? id : name;
        TableHost.requireNonNull(kind, "port " + id + ": kind");
        TableHost.requireNonNull(vni, "port " + id + ": vni");
        TableHost.requireNonNull(mac, "port " + id + ": mac");
        if (mac.isMulticast()) {
            throw new IllegalArgumentException("port " + id + ": mac " + mac + " is a group address, not unicast");
        }
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("port " + id + ": prefixLength must be 0..32: " + prefixLength);
        }
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("port " + id + ": mtu must be 68..65535: " + mtu);
        }
    }

    /** A simulated port with the usual defaults, for tests and samples. */
    public static LocalPort simulated(
            String id, Vni vni, MacAddress mac, Ipv4Address ip, int prefixLength, Ipv4Address gateway) {
        return new LocalPort(id, id, PortKind.SIMULATED, vni, mac, ip, prefixLength, gateway, DEFAULT_MTU, null, null);
    }
}
