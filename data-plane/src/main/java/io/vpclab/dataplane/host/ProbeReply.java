package io.vpclab.dataplane.host;

import io.vpclab.net.Ipv4Address;
import java.time.Duration;

/**
 * What came back for one probe a simulated host sent.
 *
 * @param kind    what answered, or {@link Kind#TIMEOUT}
 * @param from    the address that answered (null on timeout)
 * @param ttl     the IPv4 TTL of the answer (0 on timeout)
 * @param rtt     time from send to answer (the timeout on timeout)
 * @param payload UDP reply payload (empty otherwise)
 * @param nextHopMtu the MTU an ICMP fragmentation needed names (RFC 1191), else 0
 */
public record ProbeReply(Kind kind, Ipv4Address from, int ttl, Duration rtt, byte[] payload, int nextHopMtu) {

    public enum Kind {
        ECHO_REPLY,
        TIME_EXCEEDED,
        UNREACHABLE,
        /** ICMP destination unreachable, fragmentation needed and DF set: {@link #nextHopMtu} says how much fits. */
        FRAGMENTATION_NEEDED,
        TCP_SYN_ACK,
        TCP_RESET,
        UDP_REPLY,
        TIMEOUT
    }

    public boolean answered() {
        return kind != Kind.TIMEOUT;
    }

    static ProbeReply timeout(Duration waited) {
        return new ProbeReply(Kind.TIMEOUT, null, 0, waited, new byte[0], 0);
    }
}
