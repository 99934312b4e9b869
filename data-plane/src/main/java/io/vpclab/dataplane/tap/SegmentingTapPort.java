package io.vpclab.dataplane.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.offload.TcpSegmenter;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.FrameSink;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TAP opened with the virtio-net header and offloads ({@link TapDevice#openWithOffloads}) as the
 * plain {@link FrameDevice} the pipeline's stages take, so an instance's port gets the kernel's
 * offloads while every stage still sees frames one by one, exactly as on the plain path.
 *
 * <p>Each read (a TSO or USO burst of up to 64 KB, or one frame whose checksum the kernel left
 * partial) is cut by the {@link TcpSegmenter} into the frames a NIC would put on the wire, every
 * checksum complete, and each is handed to the sink in its own pooled buffer with
 * {@link FrameDevice#HEADROOM} in front. Frames written toward the instance go out behind an
 * all-zero header (no GSO, checksum complete). A read the segmenter refuses is dropped and counted
 * ({@link #refusals()}). Runs on the device's event loop; no state grows with traffic.
 */
public final class SegmentingTapPort implements FrameDevice {

    /** Room for one segmented 64 KB burst: its payload plus the headers repeated for each segment. */
    private static final int SEGMENTS_INITIAL_BYTES = 128 * 1024;

    private final VnetFrameDevice device;
    private final int maxFrameBytes;
    private final ByteBufAllocator allocator;
    private final TcpSegmenter segmenter = new TcpSegmenter(TapOffloads.VNET_HEADER_BYTES);
    private FrameSink sink;
    private final AtomicLong refusals = new AtomicLong();

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

    /** What the TAP runs with after probing. */
    public TapOffloads offloads() {
        return device.offloads();
    }

    /** Reads the segmenter refused (bad offsets, an unsupported GSO type, a truncated frame). */
    public long refusals() {
        return refusals.get();
    }

    @Override
    public void start(EventLoop loop, FrameSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
        device.startVnet(loop, this::segmentAndHandOn);
    }

    private void segmentAndHandOn(ByteBuf headerAndFrame) {
        ByteBuf segments = allocator.directBuffer(SEGMENTS_INITIAL_BYTES);
        try {
            int count = segmenter.segment(headerAndFrame, segments, HEADROOM);
            if (count == 0) {
                refusals.incrementAndGet();
                return;
            }
            int offset = segments.readerIndex();
            for (int i = 0; i < count; i++) {
                int withGap = i == count - 1 ? segmenter.lastSegmentLength() : segmenter.segmentLength();
                int length = withGap - HEADROOM;
                ByteBuf frame = allocator.directBuffer(HEADROOM + Math.max(length, maxFrameBytes));
                frame.writerIndex(HEADROOM).readerIndex(HEADROOM);
                frame.writeBytes(segments, offset + HEADROOM, length);
                offset += withGap;
                sink.accept(frame);
            }
        } finally {
            segments.release();
        }
    }

    /** One frame toward the instance, behind an all-zero virtio-net header; takes ownership. */
    @Override
    public void write(ByteBuf frame) {
        device.write(frame);
    }

    @Override
    public void close() {
        device.close();
    }
}
