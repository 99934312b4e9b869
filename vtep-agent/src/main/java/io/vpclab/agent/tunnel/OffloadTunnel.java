package io.vpclab.agent.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.agent.stats.CounterSource;
import io.vpclab.dataplane.offload.SegmentRefusal;
import io.vpclab.dataplane.offload.TcpCoalescer;
import io.vpclab.dataplane.offload.TcpSegmenter;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.pipeline.FlowHash;
import io.vpclab.dataplane.tap.TapOffloads;
import io.vpclab.dataplane.tap.VnetFrameDevice;
import io.vpclab.dataplane.underlay.Underlay;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The point-to-point tunnel on the fast path: a TAP with a virtio-net header and TSO, UDP GSO
 * on send and UDP GRO on receive, each used when {@link VnetFrameDevice#offloads()} and the underlay
 * have it (same wire behaviour as {@link PointToPointTunnel}, which stays the plain path).
 *
 * <p>Transmit: each TAP read (a 64 KB TCP burst or one frame) is cut by {@link TcpSegmenter}
 * into MTU-sized inner frames laid out [8-byte gap][frame]... in one buffer; the VXLAN headers
 * go into the gaps and the run leaves in one UDP GSO send per 64 segments. Consecutive small
 * frames of one flow and one length (a UDP flood) share a send too, until the TAP burst ends.
 *
 * <p>Receive: the datagrams of one socket read burst (a GRO buffer's slices, or a recvmmsg
 * batch) are decapsulated into {@link TcpCoalescer}, which merges in-order segments of a TCP
 * flow into one frame with a GSO header, written to the TAP in one write at the burst's end.
 *
 * <p>Everything runs on the underlay's event loop; no frame changes threads.
 */
public final class OffloadTunnel implements CounterSource {

    private static final int HEADER = TapOffloads.VNET_HEADER_BYTES;
    /** A fresh send buffer holds two full 64 KB bursts' segments; slices of it are in flight at once. */
    private static final int SEND_BUFFER_BYTES = 256 * 1024;
    /** Worst-case headers per segment: gap, Ethernet with 802.1Q, IPv4 and TCP with options. */
    private static final int SEGMENT_OVERHEAD = Vxlan.HEADER_LENGTH + 18 + 60 + 60;
    private static final int MAX_SEGMENTS_PER_SEND = 64;
    /** Linux's smallest MSS (TCP_MIN_SND_MSS): a burst cut finer is refused. */
    private static final int MIN_GSO_SIZE = 48;
    private static final int MAX_BYTES_PER_SEND = 65507;
    /**
     * Queued bytes after which the sends go out without waiting for the end of the TAP burst: a
     * burst may hold 64 reads of 64 KB, more than the underlay queues before it drops.
     */
    private static final int FLUSH_BYTES = 256 * 1024;

    private final VnetFrameDevice tap;
    private final Underlay underlay;
    private final int vni;
    private final InetSocketAddress remote;
    private final VxlanReceiver receiver;
    private final int maxInnerFrame;
    private final TcpSegmenter segmenter = new TcpSegmenter(HEADER);
    private final TcpCoalescer coalescer;
    private final ByteBuf coalescerScratch;
    private final ByteBufAllocator allocator;
    private final TunnelCounters counters = new TunnelCounters();
    private final OffloadCounters offloadCounters = new OffloadCounters();
    private boolean perDatagramFlush;

    /** The current send buffer; [batchStart, writerIndex) is the pending batch of equal-sized datagrams. */
    private ByteBuf out;
    private int batchStart;
    private int batchSegmentLength;
    private int batchSegments;
    private int batchSourcePort;
    private int unflushedBytes;

    /**
     * @param coalesce merge received TCP segments into bursts for the TAP (needs the TAP's
     *                 virtio-net header); false writes every inner frame as it came
     */
    public OffloadTunnel(VnetFrameDevice tap, Underlay underlay, int vni, InetSocketAddress remote, int underlayMtu,
                         ByteBufAllocator allocator, boolean coalesce) {
        if (vni < 1 || vni > 0xFF_FFFF) {
            throw new IllegalArgumentException("VNI must be 1..16777215, got " + vni);
        }
        this.tap = Objects.requireNonNull(tap, "tap");
        this.underlay = Objects.requireNonNull(underlay, "underlay");
        this.vni = vni;
        this.remote = Objects.requireNonNull(remote, "remote");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.maxInnerFrame = underlayMtu - PointToPointTunnel.OVERHEAD + PointToPointTunnel.ETHERNET_HEADER_LENGTH;
        this.receiver = new VxlanReceiver(remote.getAddress(), vni, counters);
        if (coalesce && tap.offloads().vnetHeader()) {
            coalescerScratch = allocator.directBuffer(TcpCoalescer.scratchCapacity(HEADER));
            coalescer = new TcpCoalescer(HEADER, coalescerScratch, tap::writeVnet);
        } else {
            // a plain TAP cannot take a merged 64 KB frame: each inner frame goes as it came
            coalescerScratch = null;
            coalescer = null;
        }
    }

    /** Joins the TAP to the underlay's loop and starts both directions. */
    public void start() {
        tap.onBatchEnd(this::endTapBurst);
        perDatagramFlush = !underlay.onReadComplete(this::endUnderlayBurst);
        tap.startVnet(underlay.loop(), this::fromTap);
        underlay.start(this::fromUnderlay);
    }

    private void fromTap(ByteBuf headerAndFrame) {
        int at = headerAndFrame.readerIndex();
        int frameLength = headerAndFrame.readableBytes() - HEADER;
        if (frameLength < PointToPointTunnel.ETHERNET_HEADER_LENGTH) {
            counters.runtDrops.incrementAndGet();
            return;
        }
        boolean burst = VirtioNetHeader.gsoType(headerAndFrame, at) != VirtioNetHeader.GSO_NONE;
        if (!burst && frameLength > maxInnerFrame) {
            counters.oversizeDrops.incrementAndGet();
            return;
        }
        // RFC 7348 s5: one flow, one source port (and one sender socket), so a flow stays in order
        int sourcePort = Vxlan.sourcePort(FlowHash.of(headerAndFrame, at + HEADER));
        if (burst) {
            sendBurst(headerAndFrame, frameLength, sourcePort);
        } else {
            addToBatch(headerAndFrame, frameLength, sourcePort);
        }
    }

    /** A TSO burst: its own run of segments, after whatever batch is pending. */
    private void sendBurst(ByteBuf headerAndFrame, int frameLength, int sourcePort) {
        flushBatch();
        int gsoSize = VirtioNetHeader.gsoSize(headerAndFrame, headerAndFrame.readerIndex());
        if (gsoSize < MIN_GSO_SIZE) {
            // no TCP stack sends such segments; a guest that asks would cost thousands of sends per read
            offloadCounters.tinyGsoSizeDrops++;
            return;
        }
        int room = frameLength + (frameLength / gsoSize + 1) * SEGMENT_OVERHEAD;
        ensureRoom(room);
        int start = out.writerIndex();
        int segments = segmenter.segment(headerAndFrame, out, Vxlan.HEADER_LENGTH);
        if (segments == 0) {
            refused();
            return;
        }
        int segmentLength = segments == 1 ? out.writerIndex() - start : segmenter.segmentLength();
        if (segmentLength - Vxlan.HEADER_LENGTH > maxInnerFrame) {
            // an MSS the underlay cannot carry: VTEPs never fragment (RULES.md), so drop it all
            out.writerIndex(start);
            counters.oversizeDrops.incrementAndGet();
            return;
        }
        writeVxlanHeaders(start, out.writerIndex(), segmentLength);
        offloadCounters.tsoBursts++;
        offloadCounters.tsoSegments += segments;
        int perSend = Math.max(1, Math.min(MAX_SEGMENTS_PER_SEND, MAX_BYTES_PER_SEND / segmentLength));
        for (int from = start, end = out.writerIndex(); from < end; from += perSend * segmentLength) {
            int length = Math.min(perSend * segmentLength, end - from);
            underlay.sendSegments(out.retainedSlice(from, length), segmentLength, remote, sourcePort);
        }
        batchStart = out.writerIndex();
        queued(out.writerIndex() - start);
    }

    private void queued(int bytes) {
        unflushedBytes += bytes;
        if (unflushedBytes >= FLUSH_BYTES) {
            underlay.flush();
            unflushedBytes = 0;
        }
    }

    /** One frame: joins the pending batch when it is the same flow and length, else starts one. */
    private void addToBatch(ByteBuf headerAndFrame, int frameLength, int sourcePort) {
        int datagramLength = Vxlan.HEADER_LENGTH + frameLength;
        boolean joins = batchSegments > 0 && sourcePort == batchSourcePort
                && datagramLength == batchSegmentLength && batchSegments < MAX_SEGMENTS_PER_SEND
                && out.writerIndex() - batchStart + datagramLength <= MAX_BYTES_PER_SEND
                && out.writableBytes() >= datagramLength;
        if (!joins) {
            flushBatch();
            ensureRoom(MAX_BYTES_PER_SEND);
        }
        int start = out.writerIndex();
        // completes a partial checksum (TUN_F_CSUM) or copies the frame as it is
        int segments = segmenter.segment(headerAndFrame, out, Vxlan.HEADER_LENGTH);
        if (segments != 1 || out.writerIndex() - start != datagramLength) {
            if (segments == 0) {
                refused();
            }
            out.writerIndex(start);
            return;
        }
        writeVxlanHeaders(start, start + datagramLength, datagramLength);
        if (!joins) {
            batchStart = start;
            batchSegmentLength = datagramLength;
            batchSourcePort = sourcePort;
        }
        batchSegments++;
    }

    private void refused() {
        SegmentRefusal reason = segmenter.lastRefusal();
        offloadCounters.segmentRefusals++;
        if (reason == SegmentRefusal.UNSUPPORTED_GSO_TYPE) {
            offloadCounters.unsupportedGsoDrops++;
        }
    }

    private void flushBatch() {
        if (batchSegments == 0) {
            return;
        }
        int length = out.writerIndex() - batchStart;
        if (batchSegments > 1) {
            offloadCounters.batchedSends++;
            offloadCounters.batchedDatagrams += batchSegments;
        }
        underlay.sendSegments(out.retainedSlice(batchStart, length), batchSegmentLength, remote, batchSourcePort);
        batchStart = out.writerIndex();
        batchSegments = 0;
        queued(length);
    }

    private void writeVxlanHeaders(int from, int end, int segmentLength) {
        int inner = 0;
        int count = 0;
        for (int at = from; at < end; at += segmentLength) {
            out.setInt(at, PointToPointTunnel.FLAGS_VNI_VALID << 24);
            out.setInt(at + 4, vni << 8);
            inner += Math.min(segmentLength, end - at) - Vxlan.HEADER_LENGTH;
            count++;
        }
        counters.encapsulated.addAndGet(count);
        counters.encapsulatedBytes.addAndGet(inner);
    }

    /** Makes room for {@code bytes} more; slices already sent keep the old buffer alive until written. */
    private void ensureRoom(int bytes) {
        if (out != null && out.writableBytes() >= bytes) {
            return;
        }
        if (out != null) {
            out.release();
        }
        int capacity = Math.max(SEND_BUFFER_BYTES, bytes);
        out = allocator.directBuffer(capacity, capacity);
        batchStart = 0;
    }

    private void endTapBurst() {
        flushBatch();
        underlay.flush();
        unflushedBytes = 0;
    }

    private void fromUnderlay(ByteBuf payload, InetSocketAddress sender) {
        try {
            if (!receiver.accepts(payload, sender)) {
                return;
            }
            int at = payload.readerIndex() + Vxlan.HEADER_LENGTH;
            int length = payload.writerIndex() - at;
            counters.decapsulated.incrementAndGet();
            counters.decapsulatedBytes.addAndGet(length);
            if (coalescer != null) {
                coalescer.add(payload, at, length);
            } else {
                tap.write(payload.retainedSlice(at, length));
            }
        } finally {
            payload.release();
        }
        if (perDatagramFlush) {
            endUnderlayBurst();
        }
    }

    private void endUnderlayBurst() {
        if (coalescer != null) {
            coalescer.flush();
        }
    }

    /** Frees the buffers; call on the loop (or after it stopped) once the TAP and underlay are closed. */
    public void release() {
        if (out != null) {
            out.release();
            out = null;
        }
        if (coalescerScratch != null && coalescerScratch.refCnt() > 0) {
            coalescerScratch.release();
        }
    }

    public TunnelCounters counters() {
        return counters;
    }

    @Override
    public Map<String, Map<String, Long>> counterGroups() {
        Map<String, Map<String, Long>> groups = new LinkedHashMap<>();
        groups.put("tunnel", counters.snapshot());
        Map<String, Long> offload = offloadCounters.snapshot();
        offload.put("segmentsWritten", segmenter.segmentsWritten());
        if (coalescer != null) {
            offload.put("coalescerFramesIn", coalescer.framesIn());
            offload.put("coalescerFramesOut", coalescer.framesOut());
            offload.put("coalescedBursts", coalescer.burstsOut());
            offload.put("coalescerChecksumFailures", coalescer.checksumFailures());
            offload.put("coalescerPartialChecksums", coalescer.partialChecksums());
        }
        groups.put("offload", offload);
        return groups;
    }

    @Override
    public String toString() {
        return "tunnel vni " + vni + " " + tap.name() + " <-> " + remote + " (" + tap.offloads().describe() + ")";
    }
}
