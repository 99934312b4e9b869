package io.vpclab.dataplane.host;

/** What a traceroute sends at each TTL, as traceroute(8) does by default ({@code UDP}) or with {@code -I}. */
public enum TracerouteProbe {
    /** A UDP datagram to port 33434 + hop - 1: the target answers port unreachable. */
    UDP,
    /** An ICMP echo request: the target answers with an echo reply. */
    ICMP_ECHO
}
