package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.offload.GsoSegmenter;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.BurstPort;

/**
 * Writes a burst carried whole to a capture as the wire frames it stands for, so pcap readers see
 * segments, never a 64 KB frame. Shared by the send ({@link BurstForwarder}) and receive
 * ({@link UnderlayBursts}) burst paths. Loop-confined.
 */
final class SegmentCapture {

    private static final int HEADER = BurstPort.VNET_HEADER_BYTES;
    /** Worst-case headers per segment: gap, Ethernet, IPv4 and TCP with options. */
    static final int SEGMENT_OVERHEAD = Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH + 60 + 60;
    /** Linux's smallest MSS (TCP_MIN_SND_MSS): no burst is cut finer. */
    static final int MIN_GSO_SIZE = 48;

    private final GsoSegmenter segmenter = new GsoSegmenter(HEADER);

    /** Writes the burst (virtio-net header at readerIndex, borrowed) to {@code capture}, if any, cut into a pooled scratch buffer. */
    void write(Capture capture, ByteBuf headerAndFrame) {
        if (capture == null) {
            return;
        }
        int frameLength = headerAndFrame.readableBytes() - HEADER;
        ByteBuf scratch =
                headerAndFrame.alloc().directBuffer(frameLength + (frameLength / MIN_GSO_SIZE + 1) * SEGMENT_OVERHEAD);
        try {
            int count = segmenter.segment(headerAndFrame, scratch, 0);
            int length = segmenter.segmentLength();
            for (int i = 0, at = 0; i < count; i++, at += length) {
                capture.frame(scratch.slice(at, Math.min(length, scratch.writerIndex() - at)));
            }
        } finally {
            scratch.release();
        }
    }
}
