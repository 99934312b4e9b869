package io.vpclab.dataplane.stats;

import io.vpclab.net.Ipv4Address;

/**
 * One NAT gateway session as {@code conntrack -L} would list it: the private side, its public
 * mapping, the remote end, the state, and how long it has left.
 *
 * @param protocol       TCP, UDP or ICMP
 * @param privatePort    the instance's port (ICMP: the echo id it chose)
 * @param publicPort     the gateway's port for this flow (ICMP: the echo id on the wire)
 * @param remotePort     the remote port (0 for ICMP)
 * @param state          NEW (nothing back yet), ESTABLISHED (a reply passed) or CLOSING (FIN or RST seen)
 * @param idleSeconds    seconds since the last packet of either direction
 * @param timeoutSeconds the idle time after which the session expires, in its state
 */
public record NatSessionSnapshot(
        String protocol,
        Ipv4Address privateIp,
        int privatePort,
        Ipv4Address publicIp,
        int publicPort,
        Ipv4Address remoteIp,
        int remotePort,
        String state,
        long idleSeconds,
        long timeoutSeconds,
        long packetsOut,
        long packetsIn,
        long bytesOut,
        long bytesIn) {}
