package io.vpclab.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.pipeline.Pipeline;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.FrameSink;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.underlay.SendOnlyUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One frame through the real pipeline, both directions, with no I/O: a VXLAN datagram from a
 * known VTEP is decapsulated (VTEP, I flag, VNI checks), its destination MAC looked up and the
 * frame delivered to a local port; that port answers at once (a reflector that swaps addresses,
 * as an echo server would), and the answer goes through anti-spoofing, classification, the L2
 * lookup of the remote MAC, encapsulation in place and the underlay send.
 *
 * <p>{@code calls=chained}: the port answers from inside its write, so both directions run in
 * one call chain (the benchmark as first written; the JIT must fit both into one compilation).
 * {@code calls=split}: the port keeps the answer and the benchmark hands it back to the pipeline
 * in a second call, as the agent does, where a TAP read and a UDP read are two event-loop events.
 * The work per operation is the same.
 *
 * <p>One pooled direct buffer is reused by every operation; the underlay only keeps a reference
 * to the datagram it was handed. Run with {@code -prof gc} to see allocated bytes per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecapLookupEncapBenchmark {

    static final InetSocketAddress LOCAL = new InetSocketAddress("192.168.77.1", Vxlan.PORT);
    static final InetSocketAddress REMOTE = new InetSocketAddress("192.168.77.2", Vxlan.PORT);
    static final long LOCAL_MAC = 0x02000a000105L;
    static final long REMOTE_MAC = 0x02000a000106L;
    static final int LOCAL_IP = Ipv4Address.parseBits("10.0.1.5");
    static final int REMOTE_IP = Ipv4Address.parseBits("10.0.1.6");
    static final int VNI = 0x800000;
    /** Destination LOCAL_MAC then source REMOTE_MAC, as one 8-byte and one 4-byte store. */
    static final long INBOUND_MACS_HIGH = (LOCAL_MAC << 16) | (REMOTE_MAC >>> 32);

    static final int INBOUND_MACS_LOW = (int) REMOTE_MAC;
    static final long INBOUND_ADDRESSES = ((REMOTE_IP & 0xFFFF_FFFFL) << 32) | (LOCAL_IP & 0xFFFF_FFFFL);

    /** Inner IPv4 packet length: 64 bytes is the small-packet case the UDP floor talks about. */
    @Param({"64", "1400"})
    int ipLength;

    /** Whether the answer re-enters the pipeline from inside the port's write or in a second call. */
    @Param({"chained", "split"})
    String calls;

    private Pipeline pipeline;
    private Reflector reflector;
    private ByteBuf datagram;
    private ByteBuf lastSent;
    private int datagramLength;

    @Setup(Level.Trial)
    public void setUp() {
        ForwardingState.Builder table = ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("192.168.77.1"), Vxlan.PORT, 1500))
                .vtep(new RemoteVtep("b", Ipv4Address.parse("192.168.77.2"), Vxlan.PORT))
                .segment(new Segment(Vni.of(VNI), Ipv4Prefix.parse("10.0.1.0/24"), null, null, List.of("b"), null))
                .port(LocalPort.simulated(
                        "p1", Vni.of(VNI), new MacAddress(LOCAL_MAC), new Ipv4Address(LOCAL_IP), 24, null))
                .binding(new IpBinding(Vni.of(VNI), new Ipv4Address(REMOTE_IP), new MacAddress(REMOTE_MAC)))
                .mac(new MacEntry(Vni.of(VNI), new MacAddress(REMOTE_MAC), "b"));
        // a realistic table: 1000 other remote MACs on the segment
        for (int i = 1; i <= 1000; i++) {
            table.mac(new MacEntry(Vni.of(VNI), new MacAddress(0x02000b000000L + i), "b"));
        }
        pipeline = new Pipeline(new SendOnlyUnderlay(LOCAL, datagram -> lastSent = datagram), LOCAL, table.build());
        reflector = new Reflector("split".equals(calls));
        reflector.attachment = pipeline.attach("p1", reflector);

        datagramLength = Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH + ipLength;
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(datagramLength);
        datagram.writerIndex(datagramLength);
        Vxlan.write(datagram, 0, VNI);
        int ip = Ethernet.write(datagram, Vxlan.HEADER_LENGTH, LOCAL_MAC, REMOTE_MAC, EtherType.IPV4_VALUE);
        int udp = Ipv4.write(datagram, ip, ipLength, 1, 64, IpProtocol.UDP_VALUE, REMOTE_IP, LOCAL_IP);
        Udp.write(datagram, udp, 40000, 5201, ipLength - Ipv4.MIN_HEADER_LENGTH);
    }

    @Benchmark
    public ByteBuf decapLookupEncap() {
        // Restore the inbound direction; the reflector swapped addresses on the way through.
        datagram.readerIndex(0).writerIndex(datagramLength);
        datagram.setLong(Vxlan.HEADER_LENGTH, INBOUND_MACS_HIGH);
        datagram.setInt(Vxlan.HEADER_LENGTH + 8, INBOUND_MACS_LOW);
        datagram.setLong(Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH + 12, INBOUND_ADDRESSES);
        pipeline.fromUnderlay(datagram, REMOTE);
        if (reflector.deferred) {
            pipeline.fromPort(reflector.attachment, reflector.answer);
        }
        return lastSent;
    }

    @TearDown(Level.Trial)
    public void check() {
        CountersSnapshot counters = pipeline.counters();
        if (counters.host().totalDrops() != 0
                || counters.host().packetsOut() != counters.host().packetsIn()) {
            throw new IllegalStateException("the benchmark path dropped frames: " + counters.format());
        }
        datagram.release();
    }

    /** Keeps the last datagram instead of sending it (no I/O); the benchmark owns the buffer. */
    /** Destination REMOTE_MAC then source LOCAL_MAC: the reflector's answer. */
    static final long OUTBOUND_MACS_HIGH = (REMOTE_MAC << 16) | (LOCAL_MAC >>> 32);

    static final int OUTBOUND_MACS_LOW = (int) LOCAL_MAC;

    /**
     * A port that answers every frame, swapping MAC and IP addresses, like an echo server: at once
     * from inside its write, or ({@code deferred}) kept for the benchmark to hand back.
     */
    private final class Reflector implements FrameDevice {
        final boolean deferred;
        Pipeline.Attachment attachment;
        ByteBuf answer;

        Reflector(boolean deferred) {
            this.deferred = deferred;
        }

        @Override
        public String name() {
            return "reflector";
        }

        @Override
        public void start(EventLoop loop, FrameSink sink) {}

        @Override
        public void write(ByteBuf frame) {
            int offset = frame.readerIndex();
            frame.setLong(offset, OUTBOUND_MACS_HIGH);
            frame.setInt(offset + 8, OUTBOUND_MACS_LOW);
            int ip = offset + Ethernet.HEADER_LENGTH;
            long addresses = frame.getLong(ip + 12);
            frame.setLong(ip + 12, (addresses << 32) | (addresses >>> 32));
            if (deferred) {
                answer = frame;
            } else {
                pipeline.fromPort(attachment, frame);
            }
        }

        @Override
        public void close() {}
    }
}
