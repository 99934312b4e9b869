package io.vpclab.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Udp;

/**
 * The UDP part of cutting a {@code GSO_UDP_L4} burst (USO, Linux __udp_gso_segment): each segment a
 * datagram of its own, with its own UDP length; the burst's UDP length must be its whole payload.
 */
final class UdpSegmenter implements L4Segments {

    @Override
    public int protocol() {
        return IpProtocol.UDP_VALUE;
    }

    @Override
    public int minHeaderLength() {
        return Udp.HEADER_LENGTH;
    }

    @Override
    public int headerLength(ByteBuf input, int l4, int l4Length) {
        return Udp.length(input, l4) == l4Length ? Udp.HEADER_LENGTH : -1;
    }

    @Override
    public void begin(ByteBuf input, int l4) {
        // nothing carries over from segment to segment but the ports, which are copied
    }

    @Override
    public int fixSegment(ByteBuf segment, int l4, int index, boolean last, int gsoSize, int l4Length) {
        segment.setShort(l4 + 4, l4Length);
        return Udp.CHECKSUM_OFFSET;
    }

    @Override
    public int wireChecksum(int checksum) {
        // RFC 768: a computed checksum of 0 is sent as all ones (0 means "none")
        return checksum == 0 ? 0xFFFF : checksum;
    }
}
