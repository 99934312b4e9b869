package io.vpclab.dataplane.host;

/** The answer of a TCP port probe, as nmap names them. */
public enum PortState {
    /** SYN answered by SYN-ACK. */
    OPEN,
    /** SYN answered by RST. */
    CLOSED,
    /** No answer before the timeout (or an ICMP unreachable). */
    FILTERED
}
