package io.vpclab.dataplane.stats;

import io.vpclab.net.Ipv4Address;

/**
 * One direction of one flow at a local port during one flow-log interval, as the port sees it:
 * {@code outbound} from {@code localIp}:{@code localPort} to {@code peerIp}:{@code peerPort}, else
 * the other way. Ports are 0 for protocols without them (ICMP included, as in AWS flow logs).
 *
 * @param accepted   admitted (ACCEPT) or dropped by a security group or network ACL (REJECT)
 * @param firstNanos the first counted packet, on the VTEP's nano clock
 * @param lastNanos  the last packet seen, on the same clock
 */
public record FlowCount(
        int vni,
        Ipv4Address localIp,
        Ipv4Address peerIp,
        int protocol,
        int localPort,
        int peerPort,
        boolean outbound,
        boolean accepted,
        long packets,
        long bytes,
        long firstNanos,
        long lastNanos) {

    /** The key {@code due} predicates of a drain receive: {@code vni << 32 | local address}. */
    public static long localKey(int vni, Ipv4Address localIp) {
        return ((long) vni << 32) | (localIp.bits() & 0xFFFF_FFFFL);
    }
}
