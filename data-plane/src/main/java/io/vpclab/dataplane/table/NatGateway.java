package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import java.util.List;

/**
 * A NAT gateway served by this host (contract schema {@code PortNatGateway}): the local port
 * {@code portId} (kind nat-gateway, its private IP and MAC in the gateway's subnet) translates
 * flows from {@code sources} many-to-one to {@code publicIp} on the provider segment, with
 * public ports (ICMP: echo ids) taken from {@code portMin..portMax} per destination.
 *
 * @param id             the NAT gateway's id (figures are reported under it)
 * @param portId         the local port that is the gateway's private side
 * @param publicIp       the gateway's elastic IP
 * @param portMin        lowest public port (1..65535)
 * @param portMax        highest public port (portMin..65535)
 * @param tcpIdleSeconds idle timeout of TCP sessions, 1..86400
 * @param udpIdleSeconds idle timeout of UDP and ICMP sessions, 1..86400
 * @param egress         which new flows may leave
 * @param sources        the associated subnets: traffic from any other address is refused
 * @param whitelistId    the egress whitelist of this table (policy WHITELIST), or null: then WHITELIST lets no new flow out
 */
public record NatGateway(
        String id,
        String portId,
        Ipv4Address publicIp,
        int portMin,
        int portMax,
        int tcpIdleSeconds,
        int udpIdleSeconds,
        EgressPolicy egress,
        List<Ipv4Prefix> sources,
        String whitelistId) {

    /** Ports below 1024 are left to well-known services, as Linux's masquerading does by default. */
    public static final int DEFAULT_PORT_MIN = 1024;

    public static final int DEFAULT_PORT_MAX = 65535;
    /** AWS's NAT gateway drops a connection idle for 350 s. */
    public static final int DEFAULT_IDLE_SECONDS = 350;

    public static final int MAX_IDLE_SECONDS = 86_400;

    public NatGateway {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("natGateway.id is required");
        }
        if (portId == null || portId.isBlank()) {
            throw new IllegalArgumentException("natGateway " + id + ": portId is required");
        }
        TableHost.requireNonNull(publicIp, "natGateway " + id + ": publicIp");
        if (portMin < 1 || portMax > 65535 || portMin > portMax) {
            throw new IllegalArgumentException("natGateway " + id
                    + ": port range must be within 1..65535 with min <= max: " + portMin + ".." + portMax);
        }
        if (tcpIdleSeconds < 1
                || tcpIdleSeconds > MAX_IDLE_SECONDS
                || udpIdleSeconds < 1
                || udpIdleSeconds > MAX_IDLE_SECONDS) {
            throw new IllegalArgumentException("natGateway " + id + ": idle timeouts must be 1.." + MAX_IDLE_SECONDS
                    + " s: tcp " + tcpIdleSeconds + ", udp " + udpIdleSeconds);
        }
        egress = egress == null ? EgressPolicy.ALLOW_ALL : egress;
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** A gateway without an egress whitelist. */
    public NatGateway(
            String id,
            String portId,
            Ipv4Address publicIp,
            int portMin,
            int portMax,
            int tcpIdleSeconds,
            int udpIdleSeconds,
            EgressPolicy egress,
            List<Ipv4Prefix> sources) {
        this(id, portId, publicIp, portMin, portMax, tcpIdleSeconds, udpIdleSeconds, egress, sources, null);
    }

    /** A gateway with the default range and timeouts, allowing everything out. */
    public static NatGateway of(String id, String portId, Ipv4Address publicIp, List<Ipv4Prefix> sources) {
        return new NatGateway(
                id,
                portId,
                publicIp,
                DEFAULT_PORT_MIN,
                DEFAULT_PORT_MAX,
                DEFAULT_IDLE_SECONDS,
                DEFAULT_IDLE_SECONDS,
                EgressPolicy.ALLOW_ALL,
                sources);
    }

    public int portCount() {
        return portMax - portMin + 1;
    }

    /** True when {@code address} is in one of the associated subnets. */
    public boolean serves(int address) {
        // indexed, not for-each: the hot path must not depend on C2 removing an iterator
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i).contains(address)) {
                return true;
            }
        }
        return false;
    }
}
