package io.vpclab.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Tcp;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.pipeline.Pipeline;
import io.vpclab.dataplane.port.BurstPort;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.FrameSink;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.table.DefaultRoute;
import io.vpclab.dataplane.table.EgressPolicy;
import io.vpclab.dataplane.table.ElasticIp;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.NatGateway;
import io.vpclab.dataplane.table.PortKind;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
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
 * One 64 KB TCP burst ({@link TsoBursts}: 44 segments of 1448 bytes, NEEDS_CSUM with the partial
 * checksum, as a TAP hands it over) from a local instance's port through the real pipeline
 * ({@link Pipeline#fromPortBurst}) to a remote VTEP, without I/O: the burst crosses port ingress,
 * classification and the path's stages once, is segmented at encapsulation with the VXLAN headers
 * written in place, and leaves as UDP GSO sends that {@link GsoCountingUnderlay} counts and
 * releases. {@code path}: {@link Path#SAME_SUBNET} (the L2 reference), {@link Path#ROUTED} (two
 * subnets of one VPC: MAC rewrite, TTL), {@link Path#ELASTIC_IP} (outbound 1:1 NAT through the
 * public router) and {@link Path#NAT_GATEWAY} (the private side of a NAT gateway on this host: VPC
 * router, then SNAT of an open session).
 *
 * <p>It runs as the agent does, which matters for what it allocates: on a Netty
 * {@code FastThreadLocalThread} ({@link EventLoopLikeExecutor}), where the pooled buffer the
 * segments go into and its GSO slices come back from the thread's recycler (on a plain JMH thread
 * Netty 4.2 allocates new wrapper objects for them, about 140 B per burst), and with buffer leak
 * sampling disabled, as {@code AgentMain} sets it (sampled stack traces cost about 35 B per burst).
 * One pooled burst is reused; its headers (all a path rewrites) are restored before each
 * operation. {@link #setUp} sends one burst and checks what left (datagram count, VNI, MACs,
 * addresses, TTL, checksums), so a path that fell back to frames cannot be measured as fast. Run
 * with {@code -prof gc}: the floor of issue 13 is 0 B/op.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar BurstPipeline -f 1 -wi 3 -i 5 -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// as the agent runs: pipeline on a FastThreadLocalThread, buffer leak sampling off (AgentMain)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Djmh.executor=CUSTOM",
            "-Djmh.executor.class=io.vpclab.benchmarks.EventLoopLikeExecutor",
            "-Dio.netty.leakDetection.level=disabled"
        })
public class BurstPipelineBenchmark {

    static final InetSocketAddress LOCAL = new InetSocketAddress("192.168.77.1", Vxlan.PORT);
    /** The underlay MTU that gives instances an inner MTU of 1500 (MSS 1448 with timestamps). */
    static final int UNDERLAY_MTU = 1550;

    static final int VNI_1 = 100;
    static final int VNI_2 = 200;
    static final int PRIVATE_VNI = 300;
    static final int PUBLIC_VNI = 16_777_000;
    static final long ROUTER_MAC = 0x0200_0000_00feL;
    static final long PUBLIC_ROUTER_MAC = 0x0200_0000_01feL;
    static final long VM_MAC = 0x0200_0a00_0105L;
    static final int VM_IP = Ipv4Address.parseBits("10.0.1.5");
    static final int EIP = Ipv4Address.parseBits("203.0.113.10");
    static final long PEER_MAC = 0x0200_0a00_0106L;
    static final int PEER_IP = Ipv4Address.parseBits("10.0.1.6");
    static final long SERVER_MAC = 0x0200_0a00_0208L;
    static final int SERVER_IP = Ipv4Address.parseBits("10.0.2.8");
    static final long NAT_MAC = 0x0200_0a00_020aL;
    static final int NAT_IP = Ipv4Address.parseBits("10.0.2.10");
    static final int NAT_PUBLIC = Ipv4Address.parseBits("203.0.113.20");
    static final long PRIVATE_MAC = 0x0200_0a00_0305L;
    static final int PRIVATE_IP = Ipv4Address.parseBits("10.0.3.5");
    static final long INTERNET_MAC = 0x0200_c633_640aL;
    static final int INTERNET_IP = Ipv4Address.parseBits("198.51.100.10");

    /** Where the burst goes, and what it must look like when it leaves. */
    public enum Path {
        SAME_SUBNET("vm", new TsoBursts.Flow(PEER_MAC, VM_MAC, VM_IP, PEER_IP), VNI_1, VM_MAC, VM_IP, 64),
        ROUTED("vm", new TsoBursts.Flow(ROUTER_MAC, VM_MAC, VM_IP, SERVER_IP), VNI_2, ROUTER_MAC, VM_IP, 63),
        ELASTIC_IP(
                "vm",
                new TsoBursts.Flow(ROUTER_MAC, VM_MAC, VM_IP, INTERNET_IP),
                PUBLIC_VNI,
                PUBLIC_ROUTER_MAC,
                EIP,
                63),
        NAT_GATEWAY(
                "private",
                new TsoBursts.Flow(ROUTER_MAC, PRIVATE_MAC, PRIVATE_IP, INTERNET_IP),
                PUBLIC_VNI,
                PUBLIC_ROUTER_MAC,
                NAT_PUBLIC,
                62);

        final String port;
        final TsoBursts.Flow flow;
        final int egressVni;
        final long sourceMacOut;
        final int sourceIpOut;
        final int ttlOut;

        Path(String port, TsoBursts.Flow flow, int egressVni, long sourceMacOut, int sourceIpOut, int ttlOut) {
            this.port = port;
            this.flow = flow;
            this.egressVni = egressVni;
            this.sourceMacOut = sourceMacOut;
            this.sourceIpOut = sourceIpOut;
            this.ttlOut = ttlOut;
        }

        /** The next hop on the egress segment: the destination itself, or the internet host. */
        long destinationMacOut() {
            return switch (this) {
                case SAME_SUBNET -> PEER_MAC;
                case ROUTED -> SERVER_MAC;
                case ELASTIC_IP, NAT_GATEWAY -> INTERNET_MAC;
            };
        }
    }

    @Param
    Path path;

    private Pipeline pipeline;
    private GsoCountingUnderlay underlay;
    private Pipeline.Attachment source;
    private ByteBuf burst;
    private byte[] headers;
    private int burstLength;
    private long refused;

    @Setup(Level.Trial)
    public void setUp() {
        underlay = new GsoCountingUnderlay(LOCAL);
        pipeline = new Pipeline(underlay, LOCAL, table());
        source = pipeline.attach(path.port, new NothingBackPort(path.port));
        pipeline.attach(path == Path.NAT_GATEWAY ? "vm" : "private", new NothingBackPort("other"));
        if (path == Path.NAT_GATEWAY) {
            openNatSession();
        }
        burst = TsoBursts.build(
                PooledByteBufAllocator.DEFAULT,
                BurstPort.VNET_HEADER_BYTES,
                path.flow,
                TsoBursts.SEGMENTS * TsoBursts.MSS);
        burstLength = burst.readableBytes();
        headers = new byte[BurstPort.VNET_HEADER_BYTES + TsoBursts.HEADERS];
        burst.getBytes(0, headers);
        checkOneBurst();
    }

    @Benchmark
    public boolean burst() {
        burst.setBytes(0, headers).setIndex(0, burstLength);
        boolean whole = pipeline.fromPortBurst(source, burst);
        if (!whole) {
            refused++;
        }
        return whole;
    }

    @TearDown(Level.Trial)
    public void check() {
        CountersSnapshot counters = pipeline.counters();
        burst.release();
        if (refused != 0 || counters.host().totalDrops() != 0) {
            throw new IllegalStateException(refused + " bursts refused; counters: " + counters.format());
        }
    }

    /** A VPC (r1) with three subnets, a NAT gateway and an elastic IP, as the control plane compiles it for this host. */
    private static ForwardingState table() {
        ForwardingState.Builder table = ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("192.168.77.1"), Vxlan.PORT, UNDERLAY_MTU))
                .vtep(new RemoteVtep("b", Ipv4Address.parse("192.168.77.2"), Vxlan.PORT))
                .segment(new Segment(
                        Vni.of(VNI_1),
                        Ipv4Prefix.parse("10.0.1.0/24"),
                        Ipv4Address.parse("10.0.1.1"),
                        "r1",
                        List.of("b"),
                        null))
                .segment(new Segment(
                        Vni.of(VNI_2),
                        Ipv4Prefix.parse("10.0.2.0/24"),
                        Ipv4Address.parse("10.0.2.1"),
                        "r1",
                        List.of("b"),
                        null))
                .segment(new Segment(
                        Vni.of(PRIVATE_VNI),
                        Ipv4Prefix.parse("10.0.3.0/24"),
                        Ipv4Address.parse("10.0.3.1"),
                        "r1",
                        List.of(),
                        null))
                .segment(new Segment(
                        Vni.of(PUBLIC_VNI), null, Ipv4Address.parse("198.51.100.1"), "public", List.of("b"), null))
                .publicVni(Vni.of(PUBLIC_VNI))
                .router(new Router(
                        "r1",
                        new MacAddress(ROUTER_MAC),
                        List.of(
                                new Route(Ipv4Prefix.parse("10.0.1.0/24"), Vni.of(VNI_1)),
                                new Route(Ipv4Prefix.parse("10.0.2.0/24"), Vni.of(VNI_2)),
                                new Route(Ipv4Prefix.parse("10.0.3.0/24"), Vni.of(PRIVATE_VNI)))))
                .router(new Router(
                        "public",
                        new MacAddress(PUBLIC_ROUTER_MAC),
                        List.of(
                                new Route(Ipv4Prefix.parse("198.51.100.0/24"), Vni.of(PUBLIC_VNI)),
                                new Route(Ipv4Prefix.parse("203.0.113.0/24"), Vni.of(PUBLIC_VNI)))))
                .port(port("vm", VNI_1, VM_MAC, VM_IP, "10.0.1.1"))
                .port(port("private", PRIVATE_VNI, PRIVATE_MAC, PRIVATE_IP, "10.0.3.1"))
                .port(new LocalPort(
                        "nat",
                        "nat",
                        PortKind.NAT_GATEWAY,
                        Vni.of(VNI_2),
                        new MacAddress(NAT_MAC),
                        new Ipv4Address(NAT_IP),
                        24,
                        Ipv4Address.parse("10.0.2.1"),
                        1500,
                        null,
                        null))
                .elasticIp(new ElasticIp(
                        new Ipv4Address(EIP), Vni.of(VNI_1), new Ipv4Address(VM_IP), IngressPolicy.DENY_ALL))
                .natGateway(new NatGateway(
                        "nat-1",
                        "nat",
                        new Ipv4Address(NAT_PUBLIC),
                        NatGateway.DEFAULT_PORT_MIN,
                        NatGateway.DEFAULT_PORT_MAX,
                        NatGateway.DEFAULT_IDLE_SECONDS,
                        60,
                        EgressPolicy.ALLOW_ALL,
                        List.of(Ipv4Prefix.parse("10.0.3.0/24"))))
                .defaultRoute(new DefaultRoute(Vni.of(PRIVATE_VNI), Vni.of(VNI_2), new Ipv4Address(NAT_IP)));
        binding(table, VNI_1, VM_IP, VM_MAC);
        binding(table, VNI_1, PEER_IP, PEER_MAC).mac(new MacEntry(Vni.of(VNI_1), new MacAddress(PEER_MAC), "b"));
        binding(table, VNI_2, SERVER_IP, SERVER_MAC).mac(new MacEntry(Vni.of(VNI_2), new MacAddress(SERVER_MAC), "b"));
        binding(table, VNI_2, NAT_IP, NAT_MAC);
        binding(table, PRIVATE_VNI, PRIVATE_IP, PRIVATE_MAC);
        binding(table, PUBLIC_VNI, INTERNET_IP, INTERNET_MAC)
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), new MacAddress(INTERNET_MAC), "b"));
        binding(table, PUBLIC_VNI, EIP, VM_MAC);
        binding(table, PUBLIC_VNI, NAT_PUBLIC, NAT_MAC);
        for (int i = 1; i <= 1000; i++) { // a realistic table: other instances of the VPC behind b
            table.mac(new MacEntry(Vni.of(VNI_1), new MacAddress(0x0200_0b00_0000L + i), "b"));
        }
        return table.build();
    }

    private static LocalPort port(String id, int vni, long mac, int ip, String gateway) {
        return new LocalPort(
                id,
                id,
                PortKind.NETNS,
                Vni.of(vni),
                new MacAddress(mac),
                new Ipv4Address(ip),
                24,
                Ipv4Address.parse(gateway),
                1500,
                null,
                null);
    }

    private static ForwardingState.Builder binding(ForwardingState.Builder table, int vni, int ip, long mac) {
        return table.binding(new IpBinding(Vni.of(vni), new Ipv4Address(ip), new MacAddress(mac)));
    }

    /** The flow's SYN, a frame of its own through the per-frame path, opens the gateway's session. */
    private void openNatSession() {
        int length = Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + Tcp.MIN_HEADER_LENGTH;
        ByteBuf syn = PooledByteBufAllocator.DEFAULT.directBuffer(FrameDevice.HEADROOM + length);
        syn.setIndex(FrameDevice.HEADROOM, FrameDevice.HEADROOM + length);
        TsoBursts.Flow flow = path.flow;
        int ip = Ethernet.write(
                syn, FrameDevice.HEADROOM, flow.destinationMac(), flow.sourceMac(), EtherType.IPV4_VALUE);
        int tcp = Ipv4.write(
                syn,
                ip,
                length - Ethernet.HEADER_LENGTH,
                1,
                64,
                IpProtocol.TCP_VALUE,
                flow.sourceIp(),
                flow.destinationIp());
        Tcp.write(syn, tcp, 40000, 5201, 0x7FFF_FFFFL, 0, Tcp.SYN, 0xFFFF);
        Tcp.updateChecksum(syn, tcp, Tcp.MIN_HEADER_LENGTH, flow.sourceIp(), flow.destinationIp());
        long sendsBefore = underlay.sends();
        pipeline.fromPort(source, syn);
        if (underlay.sends() != sendsBefore + 1
                || pipeline.natGateways(1).get(0).sessionsCreated() != 1) {
            throw new IllegalStateException(
                    "the SYN opened no NAT session: " + pipeline.counters().format());
        }
    }

    /**
     * Sends one burst and checks that it went whole: two GSO sends (43 + 1 datagrams: a send takes
     * at most 65507 bytes) holding all 44 segments, the first with the path's VNI, MACs, source
     * address and TTL, and valid IPv4 and TCP checksums.
     */
    private void checkOneBurst() {
        long sendsBefore = underlay.sends();
        long datagramsBefore = underlay.datagrams();
        underlay.keepNextSend();
        boolean whole = burst();
        ByteBuf first = underlay.takeKept();
        try {
            long sends = underlay.sends() - sendsBefore;
            long datagrams = underlay.datagrams() - datagramsBefore;
            if (!whole || first == null || sends != 2 || datagrams != TsoBursts.SEGMENTS) {
                throw new IllegalStateException(
                        path + ": the burst did not leave whole (offer " + whole + ", " + sends + " sends, " + datagrams
                                + " datagrams): " + pipeline.counters().format());
            }
            int frame = Vxlan.HEADER_LENGTH;
            int ip = frame + Ethernet.HEADER_LENGTH;
            int tcp = ip + Ipv4.MIN_HEADER_LENGTH;
            int tcpLength = underlay.keptSegmentSize() - tcp;
            String wrong = Vxlan.vni(first, 0) != path.egressVni
                    ? "VNI"
                    : Ethernet.destination(first, frame) != path.destinationMacOut()
                            ? "destination MAC"
                            : Ethernet.source(first, frame) != path.sourceMacOut
                                    ? "source MAC"
                                    : Ipv4.source(first, ip) != path.sourceIpOut
                                            ? "source IP"
                                            : Ipv4.ttl(first, ip) != path.ttlOut
                                                    ? "TTL"
                                                    : !Ipv4.verifyChecksum(first, ip)
                                                            ? "IPv4 checksum"
                                                            : tcpLength != TsoBursts.TCP_HEADER + TsoBursts.MSS
                                                                    ? "segment size"
                                                                    : !Tcp.verifyChecksum(
                                                                                    first,
                                                                                    tcp,
                                                                                    tcpLength,
                                                                                    Ipv4.source(first, ip),
                                                                                    Ipv4.destination(first, ip))
                                                                            ? "TCP checksum"
                                                                            : null;
            if (wrong != null) {
                throw new IllegalStateException(path + ": wrong " + wrong + " in the first datagram sent");
            }
        } finally {
            if (first != null) {
                first.release();
            }
        }
    }

    /** An instance's port: nothing on these paths comes back to it, so a write means the path broke. */
    private record NothingBackPort(String name) implements FrameDevice {

        @Override
        public void start(EventLoop loop, FrameSink sink) {}

        @Override
        public void write(ByteBuf frame) {
            frame.release();
            throw new IllegalStateException("a frame came back to port " + name);
        }

        @Override
        public void close() {}
    }
}
