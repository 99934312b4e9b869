package io.vpclab.dataplane.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.offload.GsoSegmenter;
import io.vpclab.dataplane.offload.TcpCoalescer;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.port.BurstPort;
import io.vpclab.dataplane.port.BurstSink;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.FrameSink;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TAP opened with the virtio-net header and offloads ({@link TapDevice#openWithOffloads}) as a
 * {@link BurstPort}: the pipeline takes a TSO burst whole where it can, and every stage that is
 * not burst-aware still sees frames one by one, exactly as on the plain path.
 *
 * <p>Read side: a TSO or USO burst is first offered whole to the {@link BurstSink}. A burst it
 * refuses, and every other read (one frame whose checksum the kernel left partial), is cut by
 * the {@link GsoSegmenter} into the frames a NIC would put on the wire, every checksum complete,
 * and each is handed to the frame sink in its own pooled buffer with {@link FrameDevice#HEADROOM}
 * in front. A read the segmenter refuses is dropped and counted ({@link #refusals()}).
 *
 * <p>Write side: frames toward the instance go through a {@link TcpCoalescer}, which merges
 * consecutive segments of one TCP flow into one burst with a GSO header; the pipeline's
 * end-of-batch {@link #flush()} writes what is pending, so a receive batch costs one TAP write
 * per merged burst. {@link #writeBurst} hands a burst over whole. Runs on the device's event
 * loop; no state grows with traffic (one 64 KiB scratch buffer).
 */
public final class SegmentingTapPort implements BurstPort {

    /** Room for one segmented 64 KB burst: its payload plus the headers repeated for each segment. */
    private static final int SEGMENTS_INITIAL_BYTES = 128 * 1024;

    private final VnetFrameDevice device;
    private final int maxFrameBytes;
    private final ByteBufAllocator allocator;
    private final GsoSegmenter segmenter = new GsoSegmenter(TapOffloads.VNET_HEADER_BYTES);
    private FrameSink sink;
    private BurstSink bursts = burst -> false;
    private final AtomicLong refusals = new AtomicLong();
    /** Null until started, and for a device without a header, which cannot take a merged frame. */
    private TcpCoalescer coalescer;

    private ByteBuf coalescerScratch;
    private long burstsWrittenWhole;
    private long tsoReads;
    private long tsoReadsTakenWhole;
    private long usoReads;
    private long usoReadsTakenWhole;

    /**
     * @param device        a device with a virtio-net header (one without still works: its header is zero)
     * @param maxFrameBytes capacity every frame handed on gets, as the plain TAP gives it
     * @param allocator     where the frames' buffers come from (pooled direct in production)
     */
    public SegmentingTapPort(VnetFrameDevice device, int maxFrameBytes, ByteBufAllocator allocator) {
        this.device = Objects.requireNonNull(device, "device");
        this.maxFrameBytes = maxFrameBytes;
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public boolean passesVlanTags() {
        return device.passesVlanTags();
    }

    /** What the TAP runs with after probing. */
    public TapOffloads offloads() {
        return device.offloads();
    }

    /** Reads the segmenter refused (bad offsets, an unsupported GSO type, a truncated frame). */
    public long refusals() {
        return refusals.get();
    }

    /** Bursts the pipeline handed over whole ({@link #writeBurst}). */
    public long burstsWrittenWhole() {
        return burstsWrittenWhole;
    }

    @Override
    public void start(EventLoop loop, FrameSink sink) {
        start(loop, sink, burst -> false);
    }

    @Override
    public void start(EventLoop loop, FrameSink frames, BurstSink bursts) {
        this.sink = Objects.requireNonNull(frames, "frames");
        this.bursts = Objects.requireNonNull(bursts, "bursts");
        if (device.offloads().vnetHeader()) {
            coalescerScratch = allocator.directBuffer(TcpCoalescer.scratchCapacity(TapOffloads.VNET_HEADER_BYTES));
            coalescer = new TcpCoalescer(TapOffloads.VNET_HEADER_BYTES, coalescerScratch, device::writeVnet);
        }
        device.startVnet(loop, this::fromTap);
    }

    private void fromTap(ByteBuf headerAndFrame) {
        int gsoType = VirtioNetHeader.gsoType(headerAndFrame, headerAndFrame.readerIndex());
        if (gsoType == VirtioNetHeader.GSO_TCPV4) {
            tsoReads++;
            if (bursts.offer(headerAndFrame)) {
                tsoReadsTakenWhole++;
                return;
            }
        } else if (gsoType == VirtioNetHeader.GSO_UDP_L4) {
            usoReads++;
            if (bursts.offer(headerAndFrame)) {
                usoReadsTakenWhole++;
                return;
            }
        }
        segmentAndHandOn(headerAndFrame);
    }

    private void segmentAndHandOn(ByteBuf headerAndFrame) {
        if (VirtioNetHeader.gsoType(headerAndFrame, headerAndFrame.readerIndex()) == VirtioNetHeader.GSO_NONE) {
            handOnOne(headerAndFrame);
            return;
        }
        ByteBuf segments = allocator.directBuffer(SEGMENTS_INITIAL_BYTES);
        try {
            int count = segmenter.segment(headerAndFrame, segments, HEADROOM);
            if (count == 0) {
                refusals.incrementAndGet();
                return;
            }
            device.copied(segments.readableBytes());
            int offset = segments.readerIndex();
            for (int i = 0; i < count; i++) {
                int withGap = i == count - 1 ? segmenter.lastSegmentLength() : segmenter.segmentLength();
                int length = withGap - HEADROOM;
                ByteBuf frame = allocator.directBuffer(HEADROOM + Math.max(length, maxFrameBytes));
                frame.writerIndex(HEADROOM).readerIndex(HEADROOM);
                frame.writeBytes(segments, offset + HEADROOM, length);
                device.copied(length);
                offset += withGap;
                sink.accept(frame);
            }
        } finally {
            segments.release();
        }
    }

    /** One frame (an ACK, a UDP datagram) goes straight into its own buffer: no 128 KB run buffer, one copy. */
    private void handOnOne(ByteBuf headerAndFrame) {
        int length = headerAndFrame.readableBytes() - TapOffloads.VNET_HEADER_BYTES;
        ByteBuf frame = allocator.directBuffer(HEADROOM + Math.max(length, maxFrameBytes));
        frame.writerIndex(HEADROOM).readerIndex(HEADROOM);
        if (segmenter.segment(headerAndFrame, frame, 0) == 0) {
            frame.release();
            refusals.incrementAndGet();
            return;
        }
        device.copied(length);
        sink.accept(frame);
    }

    /**
     * One frame toward the instance; takes ownership. With a header it joins the pending burst of
     * its flow (or flushes it and goes alone, with a GSO_NONE header); without, it goes at once.
     */
    @Override
    public void write(ByteBuf frame) {
        if (coalescer == null) {
            device.write(frame);
            return;
        }
        try {
            // the coalescer copies each frame into its burst buffer
            device.copied(frame.readableBytes());
            coalescer.add(frame, frame.readerIndex(), frame.readableBytes());
        } finally {
            frame.release();
        }
    }

    /** Writes the pending merged burst: the pipeline calls this once per batch. */
    @Override
    public void flush() {
        if (coalescer != null) {
            coalescer.flush();
        }
    }

    @Override
    public boolean writesBursts() {
        return device.offloads().vnetHeader();
    }

    /** The kernel takes a GSO_UDP_L4 write only when USO is on (TUN_F_USO4/6 set its feature). */
    @Override
    public boolean writesUdpBursts() {
        return device.offloads().uso();
    }

    @Override
    public void writeBurst(ByteBuf headerAndFrame) {
        flush(); // whatever the coalescer holds of this flow goes first
        burstsWrittenWhole++;
        device.writeVnet(headerAndFrame);
    }

    /** TSO bursts read from the TAP. */
    public long tsoReads() {
        return tsoReads;
    }

    /** TSO bursts the pipeline took whole (the rest were segmented here). */
    public long tsoReadsTakenWhole() {
        return tsoReadsTakenWhole;
    }

    /** USO bursts (an instance's UDP_SEGMENT writes) read from the TAP. */
    public long usoReads() {
        return usoReads;
    }

    /** USO bursts the pipeline took whole (the rest were segmented here). */
    public long usoReadsTakenWhole() {
        return usoReadsTakenWhole;
    }

    /** Merged bursts the coalescer wrote. */
    public long coalescedBursts() {
        return coalescer == null ? 0 : coalescer.burstsOut();
    }

    /** Frames the coalescer found with a bad checksum (written alone, as they came). */
    public long coalescerChecksumFailures() {
        return coalescer == null ? 0 : coalescer.checksumFailures();
    }

    /** Frames the coalescer took with a partial checksum (a peer's offload left it to the receiver). */
    public long coalescerPartialChecksums() {
        return coalescer == null ? 0 : coalescer.partialChecksums();
    }

    /** What the coalescer did: frames in, TAP writes out, merged bursts (zero before start or without a header). */
    public long coalescerFramesIn() {
        return coalescer == null ? 0 : coalescer.framesIn();
    }

    public long coalescerFramesOut() {
        return coalescer == null ? 0 : coalescer.framesOut();
    }

    @Override
    public void close() {
        device.close();
        coalescer = null;
        if (coalescerScratch != null && coalescerScratch.refCnt() > 0) {
            coalescerScratch.release();
        }
    }
}
