package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.offload.GsoSegmenter;
import io.vpclab.dataplane.offload.TcpCoalescer;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.port.BurstPort;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;
import java.nio.ByteBuffer;

/**
 * Stage 9b, receive coalescing: between decapsulation and local delivery, consecutive TCP
 * segments of one flow that {@link PublicAddresses#takesBursts} (for an elastic IP or a NAT
 * gateway's public address held here) are merged by the {@link TcpCoalescer} into one burst with a virtio-net header, so local delivery
 * and the stages behind it run once per burst and the instance's TAP takes one write. The pending
 * burst is emitted at the end of the read batch ({@link Forwarding#flushAll}), as a TAP port
 * flushes its own coalescer. A burst no stage takes whole (TTL expiry, an instance on a simulated
 * host or a port without a burst device) is cut back into wire frames by the {@link GsoSegmenter}
 * and delivered frame by frame, as is every frame the coalescer passes on alone (SYN, FIN, an ACK).
 * Counters stay per wire frame: decapsulation counted each segment in. Loop-confined.
 */
final class UnderlayBursts {

    private static final int HEADER = BurstPort.VNET_HEADER_BYTES;
    /** Room for a burst cut into frames: its payload plus headers and a gap for each segment. */
    private static final int SEGMENTS_INITIAL_BYTES = 128 * 1024;

    private final Forwarding forwarding;
    private final LocalDelivery delivery;
    private final GsoSegmenter segmenter = new GsoSegmenter(HEADER);
    /** Created with its 64 KB scratch on the first candidate frame: most VTEPs hold no public address. */
    private TcpCoalescer coalescer;

    UnderlayBursts(Forwarding forwarding, LocalDelivery delivery) {
        this.forwarding = forwarding;
        this.delivery = delivery;
    }

    /** Takes {@code frame} (decapsulated, counted in on {@code segment}) into the pending burst when it may join one; false, untouched, otherwise. */
    boolean offer(Tables t, int segment, ByteBuf frame) {
        if (!PublicAddresses.takesBursts(t, segment, frame)) {
            return false;
        }
        if (coalescer == null) {
            // the coalescer's scratch lives as long as the pipeline: a plain direct buffer, never released
            ByteBuf scratch = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(TcpCoalescer.scratchCapacity(HEADER)));
            coalescer = new TcpCoalescer(HEADER, scratch, this::emit);
        }
        try {
            coalescer.add(frame, frame.readerIndex(), frame.readableBytes());
        } finally {
            frame.release();
        }
        forwarding.scheduleFlush();
        return true;
    }

    /** Emits the pending burst: the end of the read batch. */
    void flush() {
        if (coalescer != null) {
            coalescer.flush();
        }
    }

    /** A coalescer output (virtio-net header first, the coalescer's scratch, borrowed). */
    private void emit(ByteBuf headerAndFrame) {
        Tables t = forwarding.tables;
        int segment = t.state.publicSegment();
        int header = headerAndFrame.readerIndex();
        boolean burst = VirtioNetHeader.gsoType(headerAndFrame, header) == VirtioNetHeader.GSO_TCPV4;
        if (segment == ForwardingState.NONE) { // a table without a public segment came in meanwhile
            forwarding.dropBurst(t, -1, -1, DropReason.UNKNOWN_VNI, burst ? frames(headerAndFrame) : 1);
            return;
        }
        if (!burst) {
            delivery.deliver(
                    t, segment, copy(headerAndFrame, header + HEADER, headerAndFrame.writerIndex() - header - HEADER));
            return;
        }
        int frames = frames(headerAndFrame);
        int headersLength = VirtioNetHeader.hdrLen(headerAndFrame, header);
        long wireBytes = headerAndFrame.readableBytes() - HEADER + (long) (frames - 1) * headersLength;
        if (!delivery.deliverBurst(t, segment, headerAndFrame, frames, wireBytes)) {
            asFrames(t, segment, headerAndFrame);
        }
    }

    /** The wire frames a merged burst stands for. */
    private static int frames(ByteBuf headerAndFrame) {
        int header = headerAndFrame.readerIndex();
        int payload = headerAndFrame.readableBytes() - HEADER - VirtioNetHeader.hdrLen(headerAndFrame, header);
        int gsoSize = VirtioNetHeader.gsoSize(headerAndFrame, header);
        return Math.max(1, (payload + gsoSize - 1) / gsoSize);
    }

    /** Cuts the burst back into its wire frames and delivers each as the per-frame path would have. */
    private void asFrames(Tables t, int segment, ByteBuf headerAndFrame) {
        ByteBuf segments = PooledByteBufAllocator.DEFAULT.directBuffer(SEGMENTS_INITIAL_BYTES);
        try {
            int count = segmenter.segment(headerAndFrame, segments, FrameDevice.HEADROOM);
            if (count == 0) { // not from the coalescer's bursts, which the segmenter always takes
                forwarding.dropBurst(t, -1, segment, DropReason.MALFORMED, frames(headerAndFrame));
                return;
            }
            int offset = segments.readerIndex();
            for (int i = 0; i < count; i++) {
                int withGap = i == count - 1 ? segmenter.lastSegmentLength() : segmenter.segmentLength();
                delivery.deliver(
                        t, segment, copy(segments, offset + FrameDevice.HEADROOM, withGap - FrameDevice.HEADROOM));
                offset += withGap;
            }
        } finally {
            segments.release();
        }
    }

    /** A pooled copy of one frame with {@link FrameDevice#HEADROOM} in front, as ports hand frames on. */
    private static ByteBuf copy(ByteBuf from, int offset, int length) {
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(FrameDevice.HEADROOM + length);
        frame.writerIndex(FrameDevice.HEADROOM).readerIndex(FrameDevice.HEADROOM);
        frame.writeBytes(from, offset, length);
        return frame;
    }
}
