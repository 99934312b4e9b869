package io.vpclab.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Tcp;

/**
 * The TCP part of cutting a {@code GSO_TCPV4} burst (Linux tcp_gso_segment): sequence = original +
 * bytes before the segment, FIN and PSH only on the last segment, CWR only on the first.
 */
final class TcpSegmenter implements L4Segments {

    /** TCP flag bits (RFC 9293 s3.1; CWR from RFC 3168 s6.1). */
    private static final int FIN = 0x01;

    private static final int PSH = 0x08;
    private static final int CWR = 0x80;
    /** FIN and PSH belong to the end of the burst (Linux tcp_gso_segment clears them on the others). */
    private static final int LAST_SEGMENT_ONLY = FIN | PSH;

    private long sequence;
    private int flags;

    @Override
    public int protocol() {
        return IpProtocol.TCP_VALUE;
    }

    @Override
    public int minHeaderLength() {
        return Tcp.MIN_HEADER_LENGTH;
    }

    @Override
    public int headerLength(ByteBuf input, int l4, int l4Length) {
        int length = Tcp.headerLength(input, l4);
        return length >= Tcp.MIN_HEADER_LENGTH && length <= l4Length ? length : -1;
    }

    @Override
    public void begin(ByteBuf input, int l4) {
        sequence = Tcp.sequence(input, l4);
        flags = Tcp.flags(input, l4);
    }

    @Override
    public int fixSegment(ByteBuf segment, int l4, int index, boolean last, int gsoSize, int l4Length) {
        int segmentFlags = flags;
        if (!last) {
            segmentFlags &= ~LAST_SEGMENT_ONLY;
        }
        if (index > 0) {
            segmentFlags &= ~CWR;
        }
        segment.setInt(l4 + 4, (int) (sequence + (long) index * gsoSize));
        segment.setByte(l4 + 13, segmentFlags);
        return Tcp.CHECKSUM_OFFSET;
    }

    @Override
    public int wireChecksum(int checksum) {
        return checksum;
    }
}
