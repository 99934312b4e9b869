package io.vpclab.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vpclab.dataplane.packet.Checksums;
import io.vpclab.dataplane.offload.TcpCoalescer;
import io.vpclab.dataplane.offload.TcpSegmenter;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Tcp;
import java.util.SplittableRandom;
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

    static final int MSS = 1448;
    static final int SEGMENTS = 44;
    static final int VXLAN_GAP = 8;
    static final int TCP_HEADER = Tcp.MIN_HEADER_LENGTH + 12;
    static final int HEADERS = Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + TCP_HEADER;

    private ByteBuf burst;
    private ByteBuf wire;
    private ByteBuf segments;
    private ByteBuf scratch;
    private TcpSegmenter segmenter;
    private TcpCoalescer coalescer;
    private int segmentLength;
    private int lastSegmentLength;
    private Blackhole blackhole;

    @Setup
    public void setUp(Blackhole blackhole) {
        this.blackhole = blackhole;
        PooledByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
        burst = tsoBurst(allocator, SEGMENTS * MSS);
        wire = allocator.directBuffer(SEGMENTS * (VXLAN_GAP + HEADERS + MSS));
        segments = allocator.directBuffer(SEGMENTS * (VXLAN_GAP + HEADERS + MSS));
        scratch = allocator.directBuffer(TcpCoalescer.scratchCapacity(VirtioNetHeader.LENGTH));
        segmenter = new TcpSegmenter(VirtioNetHeader.LENGTH);
        coalescer = new TcpCoalescer(VirtioNetHeader.LENGTH, scratch, frame -> this.blackhole.consume(frame.readableBytes()));
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

    /** A TAP's TSO burst: virtio header (NEEDS_CSUM, TCPV4, gso_size 1448), then Ethernet/IPv4/TCP. */
    static ByteBuf tsoBurst(PooledByteBufAllocator allocator, int payloadLength) {
        int frameLength = HEADERS + payloadLength;
        ByteBuf buf = allocator.directBuffer(VirtioNetHeader.LENGTH + frameLength);
        VirtioNetHeader.write(buf, 0, VirtioNetHeader.LENGTH, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4,
            HEADERS, MSS, Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH, VirtioNetHeader.TCP_CSUM_OFFSET);
        int frame = VirtioNetHeader.LENGTH;
        int ip = Ethernet.write(buf, frame, 0x02_00_0a_00_01_06L, 0x02_00_0a_00_01_05L, EtherType.IPV4_VALUE);
        int source = 0x0a000105;
        int destination = 0x0a000106;
        int tcp = Ipv4.write(buf, ip, frameLength - Ethernet.HEADER_LENGTH, 0x1234, 64, IpProtocol.TCP_VALUE,
            source, destination);
        Tcp.write(buf, tcp, 40000, 5201, 0x8000_0000L, 0xF000_0001L, Tcp.ACK | Tcp.PSH, 0xFFFF);
        buf.setByte(tcp + 12, (TCP_HEADER / 4) << 4);
        buf.setLong(tcp + 20, 0x0101_080a_1234_5678L);   // NOP NOP timestamps(TSval, TSecr)
        buf.setInt(tcp + 28, 0x9abc_def0);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < payloadLength; i += 8) {
            buf.setLong(tcp + TCP_HEADER + i, random.nextLong());
        }
        buf.setShort(tcp + 16, Checksums.fold(Checksums.pseudoHeaderSum(source, destination, IpProtocol.TCP_VALUE,
            TCP_HEADER + payloadLength)));
        buf.writerIndex(VirtioNetHeader.LENGTH + frameLength);
        return buf;
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
