package io.vpclab.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.pipeline.CoarseNanoClock;
import io.vpclab.dataplane.pipeline.Pipeline;
import io.vpclab.dataplane.pipeline.SharedFlowState;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.FrameSink;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.NetworkAcl;
import io.vpclab.dataplane.table.NetworkAclEntry;
import io.vpclab.dataplane.table.NetworkAclLookup;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.SecurityGroup;
import io.vpclab.dataplane.table.SecurityGroupMember;
import io.vpclab.dataplane.table.SecurityGroupRule;
import io.vpclab.dataplane.table.SecurityPolicyLookup;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.table.WhitelistProtocol;
import io.vpclab.dataplane.underlay.SendOnlyUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * What security groups and network ACLs cost on the way out of an instance: one TCP segment from
 * port "vm" (10.0.1.5) routed to 10.0.2.6 behind a remote VTEP, through stage 2b (egress rules,
 * outbound ACL), the router and VXLAN encapsulation. {@code policy=none}: no groups, no ACL (the
 * baseline); {@code policy=groups}: the port's group holds 1,000 egress rules, each naming a group
 * of 10,000 members, the only admitting one last, and the subnet's ACL allows all (AWS's default).
 * {@code establishedFlow}: a tracked flow (connection table hit); {@code newFlow}: a flow the
 * table has not seen (its clock jumps past the idle timeout at every read), so every packet pays
 * the rule scan (1,000 binary searches) and a new tracking entry.
 *
 * <p>One pooled buffer is reused per operation (restored from a template); run with
 * {@code -prof gc} to see that neither path allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SecurityGroupBenchmark {

    static final InetSocketAddress LOCAL = new InetSocketAddress("192.168.77.1", Vxlan.PORT);
    static final long VM_MAC = 0x02000a000105L;
    static final long PEER_MAC = 0x02000a000206L;
    static final long ROUTER_MAC = 0x0200000000feL;
    static final int VM_IP = Ipv4Address.parseBits("10.0.1.5");
    static final int PEER_IP = Ipv4Address.parseBits("10.0.2.6");
    static final int IP_LENGTH = 64;
    static final int RULES = 1_000;
    static final int MEMBERS = 10_000;
    static final int DATABASE_PORT = 5432;

    @Param({"none", "groups"})
    String policy;

    private Pipeline established;
    private Pipeline fresh;
    private Pipeline.Attachment establishedPort;
    private Pipeline.Attachment freshPort;
    private ByteBuf frame;
    private byte[] template;
    private ByteBuf lastSent;
    /** The fresh pipeline's clock: every read is a full idle timeout later, so no flow stays tracked. */
    private long freshClock;

    @Setup(Level.Trial)
    public void setUp() {
        ForwardingState state = state("groups".equals(policy));
        SendOnlyUnderlay underlay = new SendOnlyUnderlay(LOCAL, sent -> lastSent = sent);
        established = new Pipeline(underlay, LOCAL, state, new SharedFlowState(CoarseNanoClock.get(), 16));
        fresh = new Pipeline(
                underlay, LOCAL, state, new SharedFlowState(() -> freshClock += TimeUnit.SECONDS.toNanos(121), 16));
        establishedPort = established.attach("vm", new NoDevice());
        freshPort = fresh.attach("vm", new NoDevice());

        int length = FrameDevice.HEADROOM + Ethernet.HEADER_LENGTH + IP_LENGTH;
        frame = PooledByteBufAllocator.DEFAULT.directBuffer(length);
        frame.writerIndex(length);
        int ip = Ethernet.write(frame, FrameDevice.HEADROOM, ROUTER_MAC, VM_MAC, EtherType.IPV4_VALUE);
        int tcp = Ipv4.write(frame, ip, IP_LENGTH, 1, 64, IpProtocol.TCP_VALUE, VM_IP, PEER_IP);
        frame.setShort(tcp, 40000);
        frame.setShort(tcp + 2, DATABASE_PORT);
        frame.setByte(tcp + 12, 5 << 4);
        frame.setByte(tcp + 13, 0x10); // ACK: a segment of the flow
        template = new byte[length];
        frame.getBytes(0, template);
    }

    private static ForwardingState state(boolean withPolicy) {
        ForwardingState.Builder b = ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("192.168.77.1"), Vxlan.PORT, 1500))
                .vtep(new RemoteVtep("b", Ipv4Address.parse("192.168.77.2"), Vxlan.PORT))
                .segment(new Segment(
                        Vni.of(100),
                        Ipv4Prefix.parse("10.0.1.0/24"),
                        Ipv4Address.parse("10.0.1.1"),
                        "r",
                        List.of(),
                        null))
                .segment(new Segment(
                        Vni.of(200),
                        Ipv4Prefix.parse("10.0.2.0/24"),
                        Ipv4Address.parse("10.0.2.1"),
                        "r",
                        List.of("b"),
                        null))
                .port(LocalPort.simulated(
                        "vm",
                        Vni.of(100),
                        new MacAddress(VM_MAC),
                        new Ipv4Address(VM_IP),
                        24,
                        Ipv4Address.parse("10.0.1.1")))
                .mac(new MacEntry(Vni.of(200), new MacAddress(PEER_MAC), "b"))
                .binding(new IpBinding(Vni.of(200), new Ipv4Address(PEER_IP), new MacAddress(PEER_MAC)))
                .router(new Router(
                        "r",
                        new MacAddress(ROUTER_MAC),
                        List.of(
                                new Route(Ipv4Prefix.parse("10.0.1.0/24"), Vni.of(100)),
                                new Route(Ipv4Prefix.parse("10.0.2.0/24"), Vni.of(200)))));
        if (withPolicy) {
            b.securityPolicy(securityGroups()).networkAcls(defaultAcl());
        }
        return b.build();
    }

    /** sg-app (on vm): RULES egress rules naming sg-db, only the last for the database port; sg-db: MEMBERS members. */
    private static SecurityPolicyLookup securityGroups() {
        List<SecurityGroupRule> egress = new ArrayList<>();
        for (int i = 1; i < RULES; i++) {
            egress.add(
                    new SecurityGroupRule("other-" + i, WhitelistProtocol.TCP, 10_000 + i, 10_000 + i, null, "sg-db"));
        }
        egress.add(new SecurityGroupRule("pg", WhitelistProtocol.TCP, DATABASE_PORT, DATABASE_PORT, null, "sg-db"));
        List<SecurityGroupMember> members = new ArrayList<>();
        int first = Ipv4Address.parseBits("10.2.0.0");
        for (int i = 0; i < MEMBERS - 1; i++) {
            members.add(new SecurityGroupMember("sg-db", new Ipv4Address(first + i)));
        }
        members.add(new SecurityGroupMember("sg-db", new Ipv4Address(PEER_IP)));
        return new SecurityPolicyLookup(
                List.of(
                        new SecurityGroup("sg-app", List.of(), egress),
                        new SecurityGroup("sg-db", List.of(), List.of())),
                members,
                Map.of("vm", List.of("sg-app")));
    }

    private static NetworkAclLookup defaultAcl() {
        Ipv4Prefix anywhere = Ipv4Prefix.parse("0.0.0.0/0");
        return new NetworkAclLookup(
                List.of(new NetworkAcl(
                        "acl-default",
                        List.of(
                                new NetworkAclEntry(100, false, true, WhitelistProtocol.ALL, -1, -1, anywhere),
                                new NetworkAclEntry(100, true, true, WhitelistProtocol.ALL, -1, -1, anywhere)))),
                Map.of(100, "acl-default"));
    }

    @Benchmark
    public ByteBuf establishedFlow() {
        return send(established, establishedPort);
    }

    @Benchmark
    public ByteBuf newFlow() {
        return send(fresh, freshPort);
    }

    private ByteBuf send(Pipeline pipeline, Pipeline.Attachment port) {
        frame.setBytes(0, template)
                .readerIndex(FrameDevice.HEADROOM)
                .writerIndex(template.length); // the underlay's consumer keeps it, unreleased, for the next operation
        pipeline.fromPort(port, frame);
        return lastSent;
    }

    @TearDown(Level.Trial)
    public void check() {
        for (Pipeline pipeline : List.of(established, fresh)) {
            CountersSnapshot counters = pipeline.counters();
            if (counters.host().totalDrops() != 0) {
                throw new IllegalStateException("the benchmark path dropped packets: " + counters.format());
            }
        }
        // a trial runs one of the two benchmarks: the other pipeline saw nothing
        long newFlows = fresh.securityPolicyCounters().ruleHits().getOrDefault("sg-app/pg", 0L);
        long establishedFlows = established.securityPolicyCounters().ruleHits().getOrDefault("sg-app/pg", 0L);
        if (establishedFlows > 1 || newFlows == 1) {
            throw new IllegalStateException("expected one tracked flow, or a new flow per packet: " + establishedFlows
                    + " and " + newFlows + " flows admitted");
        }
        frame.release();
    }

    /** The port's device; nothing is delivered to it in this benchmark. */
    private static final class NoDevice implements FrameDevice {
        @Override
        public String name() {
            return "vm";
        }

        @Override
        public void start(EventLoop loop, FrameSink sink) {}

        @Override
        public void write(ByteBuf frame) {
            frame.release();
        }

        @Override
        public void close() {}
    }
}
