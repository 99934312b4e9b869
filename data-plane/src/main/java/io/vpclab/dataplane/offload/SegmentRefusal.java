package io.vpclab.dataplane.offload;

/**
 * Why {@link GsoSegmenter} refused a frame from the TAP. Each refusal is counted under exactly one
 * reason and nothing is written to the destination; the caller drops the frame (and counts it).
 */
public enum SegmentRefusal {
    /** Shorter than the virtio-net header, or than the Ethernet, IPv4 and TCP headers it claims. */
    TRUNCATED("shorter than its headers"),
    /** gso_type TCPV6, UDP (UFO) or an unknown value: the data plane segments IPv4 TCP and UDP bursts only. */
    UNSUPPORTED_GSO_TYPE("gso_type not supported (only NONE, TCPV4 and UDP_L4)"),
    /** A GSO burst whose frame is not untagged Ethernet carrying IPv4. */
    NOT_IPV4("GSO burst is not Ethernet/IPv4"),
    /** A GSO burst whose IPv4 header has options: Linux never sends them on TCP, and refusing keeps each segment's headers a fixed 20-byte IPv4 copy. */
    IPV4_OPTIONS("IPv4 options in a GSO burst"),
    /** A TCPV4 burst whose IPv4 protocol is not TCP, or a UDP_L4 burst whose protocol is not UDP. */
    WRONG_PROTOCOL("IP protocol does not match gso_type (TCP for TCPV4, UDP for UDP_L4)"),
    /** A GSO burst that is itself an IP fragment. */
    FRAGMENT("GSO burst is an IP fragment"),
    /** IPv4 total length, TCP data offset or UDP length inconsistent with the frame. */
    BAD_LENGTH("IPv4 total length, TCP data offset or UDP length inconsistent with the frame"),
    /** gso_size 0 on a GSO burst. */
    BAD_GSO_SIZE("gso_size 0 on a GSO burst"),
    /** NEEDS_CSUM with csum_start + csum_offset + 2 beyond the frame. */
    BAD_CHECKSUM_OFFSETS("csum_start/csum_offset outside the frame"),
    /** The destination buffer cannot grow to hold every segment (a caller sizing error). */
    DESTINATION_FULL("destination buffer too small for the segments");

    private final String reason;

    SegmentRefusal(String reason) {
        this.reason = reason;
    }

    /** A clear, constant sentence for logs and counters. */
    public String reason() {
        return reason;
    }
}
