package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Tcp;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.FrameSink;
import io.vpclab.dataplane.stats.ConnectionSnapshot;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.FlowCount;
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
import io.vpclab.dataplane.underlay.DatagramSink;
import io.vpclab.dataplane.underlay.SendOnlyUnderlay;
import io.vpclab.dataplane.underlay.Underlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Security groups (stateful) and network ACLs (stateless) on real frames through the pipeline: a
 * web port (10.0.1.5, vni 100) and a db port (10.0.2.5, vni 200) on one host, routed by the VPC's
 * router. sg-db admits TCP 5432 from members of sg-web; the db subnet's ACL admits TCP from the
 * web subnet and lets replies out to its ephemeral ports.
 */
class SecurityPolicyTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("10.255.0.1", 4789);
    private static final MacAddress WEB_MAC = MacAddress.parse("02:00:0a:00:01:05");
    private static final MacAddress DB_MAC = MacAddress.parse("02:00:0a:00:02:05");
    private static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:00:fe");
    private static final String WEB = "10.0.1.5";
    private static final String DB = "10.0.2.5";

    private static final SecurityGroupRule ALL_OUT = cidrRule("out", WhitelistProtocol.ALL, -1, -1, "0.0.0.0/0");
    private static final SecurityGroupRule PG_FROM_WEB =
            new SecurityGroupRule("db-pg", WhitelistProtocol.TCP, 5432, 5432, null, "sg-web");
    private static final NetworkAclEntry TCP_IN = aclEntry(100, false, true, 0, 65535, "10.0.1.0/24");
    private static final NetworkAclEntry EPHEMERAL_OUT = aclEntry(100, true, true, 1024, 65535, "10.0.1.0/24");

    private final List<ByteBuf> outputs = new ArrayList<>();
    private final List<String> deliveredTo = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong();
    private final SharedFlowState shared = new SharedFlowState(clock::get, 16);
    private final Pipeline pipeline = new Pipeline(
            new SendOnlyUnderlay(LOCAL, outputs::add),
            LOCAL,
            state(List.of(PG_FROM_WEB), List.of(TCP_IN, EPHEMERAL_OUT)),
            shared);
    private final Pipeline.Attachment web = pipeline.attach("web", new Device("web"));
    private final Pipeline.Attachment db = pipeline.attach("db", new Device("db"));

    @AfterEach
    void release() {
        outputs.forEach(ByteBuf::release);
        assertThat(outputs).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void anAllowedPortPassesBothWaysAndAnotherIsRefusedByTheGroup() {
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));
        pipeline.fromPort(db, tcp(DB_MAC, DB, 5432, WEB, 40000)); // the reply
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40001, DB, 22));

        assertThat(deliveredTo).containsExactly("db", "web");
        assertThat(dropped("db", DropReason.SECURITY_GROUP_DENIED))
                .as(pipeline.counters().format())
                .isEqualTo(1);
        assertThat(pipeline.securityPolicyCounters().ruleHits())
                .containsEntry("sg-db/db-pg", 1L)
                .containsEntry("sg-web/out", 2L);
    }

    @Test
    void flowLogCountsEachDirectionOnTheTrackedEntryAndARefusedSynApart() {
        clock.set(1_000); // the counters take 0 as "no packet yet"
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));
        pipeline.fromPort(db, tcp(DB_MAC, DB, 5432, WEB, 40000)); // the reply
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40001, DB, 22));
        int length = Ipv4.MIN_HEADER_LENGTH + 20; // each segment's IPv4 total length
        Ipv4Address web = Ipv4Address.parse(WEB);
        Ipv4Address db = Ipv4Address.parse(DB);

        var counted = shared.drainFlowCounts(key -> true).flows();

        assertThat(counted)
                .filteredOn(c -> c.localIp().equals(db) && c.accepted())
                .extracting(c ->
                        c.outbound() + " " + c.peerPort() + "->" + c.localPort() + " " + c.packets() + " " + c.bytes())
                .as("at db: two segments in, one reply out")
                .containsExactlyInAnyOrder("false 40000->5432 2 " + 2 * length, "true 40000->5432 1 " + length);
        assertThat(counted).filteredOn(c -> !c.accepted()).singleElement().satisfies(refused -> {
            assertThat(refused.localIp()).as("refused at db's ingress").isEqualTo(db);
            assertThat(refused.peerIp()).isEqualTo(web);
            assertThat(refused.outbound()).isFalse();
            assertThat(refused.localPort()).isEqualTo(22);
            assertThat(refused.packets()).isEqualTo(1);
            assertThat(refused.bytes()).isEqualTo(length);
        });
        assertThat(counted)
                .filteredOn(c -> c.localIp().equals(web) && c.accepted() && c.outbound())
                .extracting(c -> c.localPort() + " " + c.packets())
                .as("at web, both flows left (its egress allows all)")
                .containsExactlyInAnyOrder("40000 2", "40001 1");
    }

    @Test
    void theCensusCountsEachInstancesConnectionsActiveThenInactiveAndNewOnlyOnce() {
        ConnectionCensus census = new ConnectionCensus(shared);
        ForwardingState state = state(List.of(PG_FROM_WEB), List.of(TCP_IN, EPHEMERAL_OUT));
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));
        pipeline.fromPort(db, tcp(DB_MAC, DB, 5432, WEB, 40000)); // the reply: the same connection
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40001, DB, 22)); // web's group lets it out, db's refuses it

        assertThat(census.take(state))
                .containsExactly(
                        new ConnectionSnapshot(ConnectionSnapshot.INSTANCE, "db", 1, 0, 1),
                        new ConnectionSnapshot(ConnectionSnapshot.INSTANCE, "web", 2, 0, 2));
        assertThat(dropped("db", DropReason.SECURITY_GROUP_DENIED)).isEqualTo(1);

        clock.addAndGet(ConnectionCensus.ACTIVE_NANOS);
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432)); // keeps the first one busy
        assertThat(census.take(state))
                .as("quiet connections turn inactive; nothing new was opened")
                .containsExactly(
                        new ConnectionSnapshot(ConnectionSnapshot.INSTANCE, "db", 1, 0, 1),
                        new ConnectionSnapshot(ConnectionSnapshot.INSTANCE, "web", 1, 1, 2));

        clock.addAndGet(ConnectionTable.DEFAULT_IDLE_NANOS);
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40002, DB, 5432));
        assertThat(census.take(state))
                .as("idled-out connections leave the census; a new one counts once")
                .containsExactly(
                        new ConnectionSnapshot(ConnectionSnapshot.INSTANCE, "db", 1, 0, 2),
                        new ConnectionSnapshot(ConnectionSnapshot.INSTANCE, "web", 1, 0, 3));
    }

    @Test
    void removingTheRuleKeepsATrackedFlowButRefusesNewOnes() {
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));

        pipeline.install(state(List.of(), List.of(TCP_IN, EPHEMERAL_OUT)));
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432)); // the live flow
        pipeline.fromPort(db, tcp(DB_MAC, DB, 5432, WEB, 40000));
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40002, DB, 5432)); // a new one

        assertThat(deliveredTo).containsExactly("db", "db", "web");
        assertThat(dropped("db", DropReason.SECURITY_GROUP_DENIED)).isEqualTo(1);
    }

    @Test
    void aTrackedFlowIdlesOutAndIsThenJudgedByTheRulesAgain() {
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));
        pipeline.install(state(List.of(), List.of(TCP_IN, EPHEMERAL_OUT)));

        clock.addAndGet(ConnectionTable.DEFAULT_IDLE_NANOS);
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));

        assertThat(deliveredTo).containsExactly("db");
        assertThat(dropped("db", DropReason.SECURITY_GROUP_DENIED)).isEqualTo(1);
    }

    @Test
    void anAclChangeCutsALiveFlowAtOnce() {
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));

        NetworkAclEntry denyPg = aclEntry(100, false, false, 5432, 5432, "10.0.1.0/24");
        pipeline.install(state(List.of(PG_FROM_WEB), List.of(denyPg, EPHEMERAL_OUT)));
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));

        assertThat(deliveredTo).containsExactly("db");
        assertThat(dropped("db", DropReason.NETWORK_ACL_DENIED)).isEqualTo(1);
        assertThat(pipeline.securityPolicyCounters().entryHits()).containsEntry("acl-db/ingress/100", 2L);
    }

    @Test
    void aTrackedFlowsOutboundAclVerdictIsCountedPerPacketAndDecidedAgainAfterAChange() {
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));
        pipeline.fromPort(db, tcp(DB_MAC, DB, 5432, WEB, 40000)); // decided, and kept with the flow
        pipeline.fromPort(db, tcp(DB_MAC, DB, 5432, WEB, 40000)); // the kept verdict

        NetworkAclEntry denyReplies = aclEntry(100, true, false, 1024, 65535, "10.0.1.0/24");
        pipeline.install(state(List.of(PG_FROM_WEB), List.of(TCP_IN, denyReplies)));
        pipeline.fromPort(db, tcp(DB_MAC, DB, 5432, WEB, 40000));

        assertThat(deliveredTo).containsExactly("db", "web", "web");
        assertThat(dropped("db", DropReason.NETWORK_ACL_DENIED)).isEqualTo(1);
        assertThat(pipeline.securityPolicyCounters().entryHits()).containsEntry("acl-db/egress/100", 3L);
    }

    @Test
    void aFilteredPortsFramesLeaveWithTheVxlanSourcePortOfTheirFlowHash() {
        List<Integer> sentPorts = new ArrayList<>();
        Underlay recording = new Underlay() { // keeps each datagram's UDP source port
                    @Override
                    public EventLoop loop() {
                        return null;
                    }

                    @Override
                    public InetSocketAddress localAddress() {
                        return LOCAL;
                    }

                    @Override
                    public void start(DatagramSink sink) {}

                    @Override
                    public void send(ByteBuf payload, InetSocketAddress destination) {
                        send(payload, destination, -1);
                    }

                    @Override
                    public void send(ByteBuf payload, InetSocketAddress destination, int sourcePort) {
                        sentPorts.add(sourcePort);
                        payload.release();
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                };
        ForwardingState toRemote = ForwardingState.builder()
                .host(HOST)
                .vtep(new RemoteVtep("b", Ipv4Address.parse("10.255.0.2"), 4789))
                .segment(segment(100, "10.0.1.0/24", "10.0.1.1"))
                .segment(new Segment(
                        Vni.of(200),
                        Ipv4Prefix.parse("10.0.2.0/24"),
                        Ipv4Address.parse("10.0.2.1"),
                        "r",
                        List.of("b"),
                        null))
                .port(port("web", 100, WEB_MAC, WEB, "10.0.1.1"))
                .mac(new MacEntry(Vni.of(200), DB_MAC, "b"))
                .binding(new IpBinding(Vni.of(200), Ipv4Address.parse(DB), DB_MAC))
                .router(ROUTER)
                .securityPolicy(new SecurityPolicyLookup(
                        List.of(new SecurityGroup("sg-web", List.of(), List.of(ALL_OUT))),
                        List.of(new SecurityGroupMember("sg-web", Ipv4Address.parse(WEB))),
                        Map.of("web", List.of("sg-web"))))
                .build();
        Pipeline filtered = new Pipeline(recording, LOCAL, toRemote, new SharedFlowState(clock::get, 16));
        Pipeline.Attachment port = filtered.attach("web", new Device("web"));

        List<Integer> expected = new ArrayList<>();
        for (int flow = 0; flow < 8; flow++) {
            for (int packet = 0; packet < 2; packet++) { // a new flow, then its tracked one
                ByteBuf frame = tcp(WEB_MAC, WEB, 40000 + flow, DB, 5432);
                expected.add(VxlanEncapsulator.sourcePort(frame));
                filtered.fromPort(port, frame);
            }
        }

        assertThat(filtered.counters().host().totalDrops()).isZero();
        assertThat(sentPorts).isEqualTo(expected);
        assertThat(Set.copyOf(expected)).hasSizeGreaterThan(4);
    }

    @Test
    void entriesAreEvaluatedLowestNumberFirst() {
        NetworkAclEntry denyWebHost = aclEntry(50, false, false, 0, 65535, WEB + "/32");
        pipeline.install(state(List.of(PG_FROM_WEB), List.of(TCP_IN, denyWebHost, EPHEMERAL_OUT)));

        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));

        assertThat(deliveredTo).isEmpty();
        assertThat(pipeline.securityPolicyCounters().entryHits())
                .containsEntry("acl-db/ingress/50", 1L)
                .containsEntry("acl-db/ingress/100", 0L);
    }

    @Test
    void repliesNeedTheirOwnAclEntryForTheEphemeralPort() {
        NetworkAclEntry wellKnownOnly = aclEntry(100, true, true, 0, 1023, "10.0.1.0/24");
        pipeline.install(state(List.of(PG_FROM_WEB), List.of(TCP_IN, wellKnownOnly)));

        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));
        pipeline.fromPort(db, tcp(DB_MAC, DB, 5432, WEB, 40000));

        assertThat(deliveredTo).containsExactly("db");
        assertThat(dropped("db", DropReason.NETWORK_ACL_DENIED)).isEqualTo(1);
        assertThat(pipeline.securityPolicyCounters().entryHits()).containsEntry("acl-db/*", 1L);
    }

    @Test
    void aPortNoFlowLogCoversCountsNothingButIsFilteredAlike() {
        pipeline.install(state(List.of(PG_FROM_WEB), List.of(TCP_IN, EPHEMERAL_OUT), "web"));
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40000, DB, 5432));
        pipeline.fromPort(db, tcp(DB_MAC, DB, 5432, WEB, 40000));
        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40001, DB, 22));

        var counted = shared.drainFlowCounts(key -> true).flows();

        assertThat(deliveredTo).containsExactly("db", "web");
        assertThat(dropped("db", DropReason.SECURITY_GROUP_DENIED)).isEqualTo(1);
        assertThat(counted)
                .as("only web's flows are counted: two out (one refused further on), one reply in")
                .allMatch(c -> c.localIp().equals(Ipv4Address.parse(WEB)))
                .extracting(c -> c.outbound() + " " + c.localPort() + "->" + c.peerPort() + " " + c.packets())
                .containsExactlyInAnyOrder("true 40000->5432 1", "false 40000->5432 1", "true 40001->22 1");
    }

    /**
     * More refused flows in one interval than the bounded reject table holds: the flows it cannot
     * keep are lost, and the drain says which port lost them (flow logs' SKIPDATA record), once.
     */
    @Test
    void refusedFlowsPastTheTableAreLostAndChargedToTheirPort() {
        int offered = SharedFlowState.REJECTED_FLOW_CAPACITY + 512;
        for (int i = 0; i < offered; i++) { // each SYN its own flow: another source port
            pipeline.fromPort(web, tcp(WEB_MAC, WEB, 1024 + i, DB, 22));
        }
        long dbKey = FlowCount.localKey(200, Ipv4Address.parse(DB));

        var webOnly = shared.drainFlowCounts(key -> key != dbKey);
        var drained = shared.drainFlowCounts(key -> key == dbKey);

        assertThat(dropped("db", DropReason.SECURITY_GROUP_DENIED)).isEqualTo(offered);
        assertThat(webOnly.lostFlowsByPort())
                .as("web lost nothing; db's loss waits for db's drain")
                .isEmpty();
        assertThat(drained.flows()).filteredOn(c -> !c.accepted()).hasSizeLessThan(offered);
        assertThat(drained.lostFlowsByPort())
                .as("db lost what its refused flows did not keep")
                .containsOnlyKeys(dbKey);
        assertThat(drained.flows().stream().filter(c -> !c.accepted()).count()
                        + drained.lostFlowsByPort().get(dbKey))
                .isEqualTo(offered);
        assertThat(shared.drainFlowCounts(key -> true).lostFlowsByPort())
                .as("reported once")
                .isEmpty();
    }

    @Test
    void aTableWithoutGroupsOrAclsFiltersNothing() {
        pipeline.install(ForwardingState.builder()
                .host(HOST)
                .segment(segment(100, "10.0.1.0/24", "10.0.1.1"))
                .segment(segment(200, "10.0.2.0/24", "10.0.2.1"))
                .port(port("web", 100, WEB_MAC, WEB, "10.0.1.1"))
                .port(port("db", 200, DB_MAC, DB, "10.0.2.1"))
                .binding(new IpBinding(Vni.of(100), Ipv4Address.parse(WEB), WEB_MAC))
                .binding(new IpBinding(Vni.of(200), Ipv4Address.parse(DB), DB_MAC))
                .router(ROUTER)
                .build());

        pipeline.fromPort(web, tcp(WEB_MAC, WEB, 40001, DB, 22));

        assertThat(deliveredTo).containsExactly("db");
    }

    // ---- fixture ----------------------------------------------------------------------

    private static final TableHost HOST = new TableHost(Ipv4Address.parse("10.255.0.1"), 4789, 1500);
    private static final Router ROUTER = new Router(
            "r",
            ROUTER_MAC,
            List.of(
                    new Route(Ipv4Prefix.parse("10.0.1.0/24"), Vni.of(100)),
                    new Route(Ipv4Prefix.parse("10.0.2.0/24"), Vni.of(200))));

    /** Both ports covered by a flow log. */
    private static ForwardingState state(List<SecurityGroupRule> dbIngress, List<NetworkAclEntry> dbAcl) {
        return state(dbIngress, dbAcl, "web", "db");
    }

    private static ForwardingState state(
            List<SecurityGroupRule> dbIngress, List<NetworkAclEntry> dbAcl, String... flowLoggedPorts) {
        ForwardingState.Builder b = ForwardingState.builder();
        for (String port : flowLoggedPorts) {
            b.flowLogged(port);
        }
        SecurityPolicyLookup groups = new SecurityPolicyLookup(
                List.of(
                        new SecurityGroup("sg-web", List.of(), List.of(ALL_OUT)),
                        new SecurityGroup("sg-db", dbIngress, List.of(ALL_OUT))),
                List.of(new SecurityGroupMember("sg-web", Ipv4Address.parse(WEB))),
                Map.of("web", List.of("sg-web"), "db", List.of("sg-db")));
        NetworkAclLookup acls = new NetworkAclLookup(List.of(new NetworkAcl("acl-db", dbAcl)), Map.of(200, "acl-db"));
        return b.host(HOST)
                .segment(segment(100, "10.0.1.0/24", "10.0.1.1"))
                .segment(segment(200, "10.0.2.0/24", "10.0.2.1"))
                .port(port("web", 100, WEB_MAC, WEB, "10.0.1.1"))
                .port(port("db", 200, DB_MAC, DB, "10.0.2.1"))
                .binding(new IpBinding(Vni.of(100), Ipv4Address.parse(WEB), WEB_MAC))
                .binding(new IpBinding(Vni.of(200), Ipv4Address.parse(DB), DB_MAC))
                .router(ROUTER)
                .securityPolicy(groups)
                .networkAcls(acls)
                .build();
    }

    private static Segment segment(int vni, String cidr, String gateway) {
        return new Segment(Vni.of(vni), Ipv4Prefix.parse(cidr), Ipv4Address.parse(gateway), "r", List.of(), null);
    }

    private static LocalPort port(String id, int vni, MacAddress mac, String ip, String gateway) {
        return LocalPort.simulated(id, Vni.of(vni), mac, Ipv4Address.parse(ip), 24, Ipv4Address.parse(gateway));
    }

    private static SecurityGroupRule cidrRule(String id, WhitelistProtocol protocol, int from, int to, String cidr) {
        return new SecurityGroupRule(id, protocol, from, to, Ipv4Prefix.parse(cidr), null);
    }

    private static NetworkAclEntry aclEntry(int number, boolean egress, boolean allow, int from, int to, String cidr) {
        return new NetworkAclEntry(number, egress, allow, WhitelistProtocol.TCP, from, to, Ipv4Prefix.parse(cidr));
    }

    private long dropped(String port, DropReason reason) {
        return pipeline.counters().port(port).dropped(reason);
    }

    /** A TCP segment (no payload) from a port to the router MAC, so it is routed to the other subnet. */
    private static ByteBuf tcp(MacAddress source, String from, int sourcePort, String to, int destinationPort) {
        int ipLength = Ipv4.MIN_HEADER_LENGTH + 20;
        ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(FrameDevice.HEADROOM + Ethernet.HEADER_LENGTH + ipLength);
        frame.writerIndex(FrameDevice.HEADROOM + Ethernet.HEADER_LENGTH + ipLength)
                .readerIndex(FrameDevice.HEADROOM);
        int at = Ethernet.write(frame, FrameDevice.HEADROOM, ROUTER_MAC.bits(), source.bits(), EtherType.IPV4_VALUE);
        at = Ipv4.write(
                frame,
                at,
                ipLength,
                1,
                64,
                IpProtocol.TCP_VALUE,
                Ipv4Address.parseBits(from),
                Ipv4Address.parseBits(to));
        Tcp.write(frame, at, sourcePort, destinationPort, 1, 0, 0x02, 65535);
        return frame;
    }

    private final class Device implements FrameDevice {
        private final String name;

        Device(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start(EventLoop loop, FrameSink sink) {}

        @Override
        public void write(ByteBuf frame) {
            deliveredTo.add(name);
            outputs.add(frame);
        }

        @Override
        public void close() {}
    }
}
