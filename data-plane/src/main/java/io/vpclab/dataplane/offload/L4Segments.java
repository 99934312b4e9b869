package io.vpclab.dataplane.offload;

import io.netty.buffer.ByteBuf;

/**
 * What one transport protocol does to each segment of an IPv4 GSO burst; {@link GsoSegmenter}
 * does the rest once for both (headers copied, payload cut, IPv4 fields, the checksum over the
 * pseudo-header), as Linux's inet_gso_segment does around tcp_gso_segment and __udp_gso_segment.
 * Loop-confined, like the segmenter that holds it.
 */
sealed interface L4Segments permits TcpSegmenter, UdpSegmenter {

    /** The IPv4 protocol number the burst must carry. */
    int protocol();

    /** The shortest L4 header there is. */
    int minHeaderLength();

    /**
     * The burst's L4 header length at {@code l4}, with {@code l4Length} bytes of L4 header and
     * payload after the IPv4 header; -1 when the header disagrees with that length.
     */
    int headerLength(ByteBuf input, int l4, int l4Length);

    /** Reads what every segment derives its own fields from (called once per burst). */
    void begin(ByteBuf input, int l4);

    /**
     * Sets the L4 fields of segment {@code index} at {@code l4} in {@code segment}, whose payload
     * is {@code l4Length} bytes with the header; returns the offset of its checksum field from {@code l4}.
     */
    int fixSegment(ByteBuf segment, int l4, int index, boolean last, int gsoSize, int l4Length);

    /** The computed checksum as it goes on the wire. */
    int wireChecksum(int checksum);
}
