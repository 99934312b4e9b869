package io.vpclab.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.pipeline.Pipeline;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.FrameSink;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.table.ElasticIp;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.table.Whitelist;
import io.vpclab.dataplane.table.WhitelistProtocol;
import io.vpclab.dataplane.table.WhitelistRule;
import io.vpclab.dataplane.underlay.SendOnlyUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.util.ArrayList;
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
 * What an elastic IP's ingress policy costs. {@code inboundPacket}: one TCP segment of an
 * admitted flow from an internet host, over VXLAN on the public segment, through the elastic IP's
 * 1:1 NAT to the instance's port (ALLOW_ALL, or WHITELIST where the connection table lets the
 * flow's later packets pass without matching rules). {@code matchNewFlow}: the rule scan a new
 * flow costs when only the last of {@code rules} rules admits it (what a SYN pays once).
 *
 * <p>One pooled buffer is reused per operation (restored from a template); run with
 * {@code -prof gc} to see that neither path allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ElasticIpWhitelistBenchmark {

    static final InetSocketAddress LOCAL = new InetSocketAddress("192.168.77.1", Vxlan.PORT);
    static final InetSocketAddress REMOTE = new InetSocketAddress("192.168.77.2", Vxlan.PORT);
    static final int PUBLIC_VNI = Vni.MAX;
    static final int VPC_VNI = 100;
    static final long VM_MAC = 0x02000a000105L;
    static final long PUBLIC_ROUTER_MAC = 0x0200000001feL;
    static final int VM_IP = Ipv4Address.parseBits("10.0.1.5");
    static final int EIP = Ipv4Address.parseBits("203.0.113.10");
    static final int INTERNET_IP = Ipv4Address.parseBits("198.51.100.10");
    static final int IP_LENGTH = 64;

    @Param({"ALLOW_ALL", "WHITELIST"})
    String policy;

    @Param({"1", "100", "1000"})
    int rules;

    private Pipeline pipeline;
    private ForwardingState state;
    private int whitelist;
    private ByteBuf datagram;
    private byte[] template;
    private ByteBuf lastDelivered;

    @Setup(Level.Trial)
    public void setUp() {
        List<WhitelistRule> ruleList = new ArrayList<>();
        for (int i = 1; i < rules; i++) { // rules for other sources come first
            ruleList.add(new WhitelistRule(
                    "other-" + i,
                    WhitelistProtocol.TCP,
                    new Ipv4Prefix(Ipv4Address.parseBits("192.0.2.0") + i, 32),
                    22,
                    22));
        }
        ruleList.add(new WhitelistRule("https", WhitelistProtocol.TCP, Ipv4Prefix.parse("198.51.100.0/24"), 443, 443));
        IngressPolicy ingress = IngressPolicy.valueOf(policy);
        state = ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("192.168.77.1"), Vxlan.PORT, 1500))
                .vtep(new RemoteVtep("b", Ipv4Address.parse("192.168.77.2"), Vxlan.PORT))
                .segment(new Segment(
                        Vni.of(VPC_VNI),
                        Ipv4Prefix.parse("10.0.1.0/24"),
                        Ipv4Address.parse("10.0.1.1"),
                        "r",
                        List.of(),
                        null))
                .segment(new Segment(
                        Vni.of(PUBLIC_VNI), null, Ipv4Address.parse("198.51.100.1"), "public", List.of("b"), null))
                .publicVni(Vni.of(PUBLIC_VNI))
                .port(LocalPort.simulated(
                        "vm",
                        Vni.of(VPC_VNI),
                        new MacAddress(VM_MAC),
                        new Ipv4Address(VM_IP),
                        24,
                        Ipv4Address.parse("10.0.1.1")))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), new Ipv4Address(EIP), new MacAddress(VM_MAC)))
                .router(new Router(
                        "r",
                        MacAddress.parse("02:00:00:00:00:fe"),
                        List.of(new Route(Ipv4Prefix.parse("10.0.1.0/24"), Vni.of(VPC_VNI)))))
                .router(new Router(
                        "public",
                        new MacAddress(PUBLIC_ROUTER_MAC),
                        List.of(new Route(Ipv4Prefix.parse("203.0.113.0/24"), Vni.of(PUBLIC_VNI)))))
                .whitelist(new Whitelist("wl", ruleList))
                .elasticIp(new ElasticIp(
                        new Ipv4Address(EIP),
                        Vni.of(VPC_VNI),
                        new Ipv4Address(VM_IP),
                        ingress,
                        ingress == IngressPolicy.WHITELIST ? "wl" : null))
                .build();
        whitelist = state.whitelistIndexOf("wl");
        pipeline = new Pipeline(
                new SendOnlyUnderlay(LOCAL, datagram -> {
                    throw new IllegalStateException("nothing leaves this host in the benchmark");
                }),
                LOCAL,
                state);
        pipeline.attach("vm", new KeepingPort());

        int length = Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH + IP_LENGTH;
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(length);
        datagram.writerIndex(length);
        Vxlan.write(datagram, 0, PUBLIC_VNI);
        int ip = Ethernet.write(datagram, Vxlan.HEADER_LENGTH, VM_MAC, PUBLIC_ROUTER_MAC, EtherType.IPV4_VALUE);
        int tcp = Ipv4.write(datagram, ip, IP_LENGTH, 1, 64, IpProtocol.TCP_VALUE, INTERNET_IP, EIP);
        datagram.setShort(tcp, 40000);
        datagram.setShort(tcp + 2, 443);
        datagram.setByte(tcp + 12, 5 << 4);
        datagram.setByte(tcp + 13, 0x10); // ACK: a segment of the flow; the data plane does not track TCP state
        template = new byte[length];
        datagram.getBytes(0, template);
    }

    @Benchmark
    public ByteBuf inboundPacket() {
        datagram.setBytes(0, template).readerIndex(0).writerIndex(template.length);
        pipeline.fromUnderlay(datagram, REMOTE);
        return lastDelivered;
    }

    @Benchmark
    public int matchNewFlow() {
        return state.whitelistMatch(whitelist, IpProtocol.TCP_VALUE, INTERNET_IP, 443);
    }

    @TearDown(Level.Trial)
    public void check() {
        CountersSnapshot counters = pipeline.counters();
        if (counters.host().totalDrops() != 0) {
            throw new IllegalStateException("the benchmark path dropped packets: " + counters.format());
        }
        if (!"ALLOW_ALL".equals(policy)
                && counters.port("vm").packetsOut() > 0
                && pipeline.whitelistCounters().get("wl").hits("https") != 1) {
            throw new IllegalStateException("the flow was matched more than once: " + pipeline.whitelistCounters());
        }
        datagram.release();
    }

    /** Keeps the last delivered frame (the benchmark owns the buffer). */
    private final class KeepingPort implements FrameDevice {
        @Override
        public String name() {
            return "vm";
        }

        @Override
        public void start(EventLoop loop, FrameSink sink) {}

        @Override
        public void write(ByteBuf frame) {
            lastDelivered = frame;
        }

        @Override
        public void close() {}
    }
}
