package io.vpclab.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vpclab.dataplane.offload.GsoSegmenter;
import io.vpclab.dataplane.offload.TcpCoalescer;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.packet.Checksums;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The fast path's codec without I/O, on what one iperf3 stream produces: a TSO burst of 44
 * full-sized segments (44 x 1448 = 63712 payload bytes, with the 12-byte timestamps option, as
 * Linux sends it) segmented into a VXLAN-ready GSO buffer, and the same 44 segments coalesced back
 * into one burst. {@code checksum64k} is the floor both pay at least once per byte.
 *
 * <p>Throughput per core follows from the score: payload bits / ns, for example 63712 B in 10 us is
 * 51 Gbit/s. Run with {@code -prof gc}: the codec must allocate nothing per operation.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar OffloadCodec -f 1 -wi 3 -i 5 -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OffloadCodecBenchmark {

    static final int MSS = TsoBursts.MSS;
    static final int SEGMENTS = TsoBursts.SEGMENTS;
    static final int VXLAN_GAP = 8;
    static final int HEADERS = TsoBursts.HEADERS;
    static final TsoBursts.Flow FLOW =
            new TsoBursts.Flow(0x02_00_0a_00_01_06L, 0x02_00_0a_00_01_05L, 0x0a000105, 0x0a000106);

    private ByteBuf burst;
    private ByteBuf wire;
    private ByteBuf segments;
    private ByteBuf scratch;
    private GsoSegmenter segmenter;
    private TcpCoalescer coalescer;
    private int segmentLength;
    private int lastSegmentLength;
    private Blackhole blackhole;

    @Setup
    public void setUp(Blackhole blackhole) {
        this.blackhole = blackhole;
        PooledByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
        burst = TsoBursts.build(allocator, VirtioNetHeader.LENGTH, FLOW, SEGMENTS * MSS);
        wire = allocator.directBuffer(SEGMENTS * (VXLAN_GAP + HEADERS + MSS));
        segments = allocator.directBuffer(SEGMENTS * (VXLAN_GAP + HEADERS + MSS));
        scratch = allocator.directBuffer(TcpCoalescer.scratchCapacity(VirtioNetHeader.LENGTH));
        segmenter = new GsoSegmenter(VirtioNetHeader.LENGTH);
        coalescer = new TcpCoalescer(
                VirtioNetHeader.LENGTH, scratch, frame -> this.blackhole.consume(frame.readableBytes()));
        if (segmenter.segment(burst, segments, VXLAN_GAP) != SEGMENTS) {
            throw new IllegalStateException("setup burst refused: " + segmenter.lastRefusal());
        }
        segmentLength = segmenter.segmentLength();
        lastSegmentLength = segmenter.lastSegmentLength();
    }

    @TearDown
    public void tearDown() {
        burst.release();
        wire.release();
        segments.release();
        scratch.release();
    }

    @Benchmark
    public int segment64kBurst() {
        wire.clear();
        return segmenter.segment(burst, wire, VXLAN_GAP);
    }

    @Benchmark
    public long coalesce44Segments() {
        int at = 0;
        for (int i = 0; i < SEGMENTS; i++) {
            int length = i == SEGMENTS - 1 ? lastSegmentLength : segmentLength;
            coalescer.add(segments, at + VXLAN_GAP, length - VXLAN_GAP);
            at += length;
        }
        coalescer.flush();
        return coalescer.burstsOut();
    }

    @Benchmark
    public long checksum64k() {
        return Checksums.sum(burst, VirtioNetHeader.LENGTH + HEADERS, SEGMENTS * MSS, 0);
    }
}
