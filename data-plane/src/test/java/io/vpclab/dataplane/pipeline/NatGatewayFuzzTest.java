package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.table.EgressPolicy;
import io.vpclab.dataplane.table.ForwardingState;
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
import io.vpclab.dataplane.underlay.SendOnlyUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Arbitrary IPv4 packets at both sides of a NAT gateway, arriving over VXLAN as from the
 * instances' host: to the gateway's port (private side; the first input byte picks the side)
 * and to its public address on the provider segment. Nothing throws, nothing leaks, and each
 * packet is either sent on or counted as a drop. Sessions a packet opens stay (the clock moves
 * one second per input), so replies in later inputs may match them.
 */
class NatGatewayFuzzTest {

    static final InetSocketAddress LOCAL = new InetSocketAddress("10.255.0.3", 4789);
    static final InetSocketAddress REMOTE = new InetSocketAddress("10.255.0.1", 4789);
    static final MacAddress NAT_MAC = MacAddress.parse("02:00:0a:00:01:0a");
    static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:00:fe");
    static final int NAT_VNI = 100;
    static final int PUBLIC_VNI = 0xFFFFFF;
    static final int NAT_PUBLIC = Ipv4Address.parseBits("203.0.113.20");
    static final int INSTANCE = Ipv4Address.parseBits("10.0.2.5");

    static final AtomicLong CLOCK = new AtomicLong();
    static final List<ByteBuf> SENT = new ArrayList<>();
    static final Pipeline PIPELINE =
            new Pipeline(new SendOnlyUnderlay(LOCAL, SENT::add), LOCAL, table(), CLOCK::get, 256);

    static ForwardingState table() {
        return ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("10.255.0.3"), 4789, 1500))
                .vtep(new RemoteVtep("a", Ipv4Address.parse("10.255.0.1"), 4789))
                .segment(new Segment(
                        Vni.of(NAT_VNI),
                        Ipv4Prefix.parse("10.0.1.0/24"),
                        Ipv4Address.parse("10.0.1.1"),
                        "r1",
                        List.of("a"),
                        null))
                .segment(new Segment(
                        Vni.of(200),
                        Ipv4Prefix.parse("10.0.2.0/24"),
                        Ipv4Address.parse("10.0.2.1"),
                        "r1",
                        List.of("a"),
                        null))
                .segment(new Segment(
                        Vni.of(PUBLIC_VNI), null, Ipv4Address.parse("198.51.100.1"), "public", List.of("a"), null))
                .publicVni(Vni.of(PUBLIC_VNI))
                .router(new Router(
                        "r1",
                        ROUTER_MAC,
                        List.of(
                                new Route(Ipv4Prefix.parse("10.0.1.0/24"), Vni.of(NAT_VNI)),
                                new Route(Ipv4Prefix.parse("10.0.2.0/24"), Vni.of(200)))))
                .router(new Router(
                        "public",
                        MacAddress.parse("02:00:00:00:ff:fe"),
                        List.of(new Route(Ipv4Prefix.parse("198.51.100.0/24"), Vni.of(PUBLIC_VNI)))))
                .port(new LocalPort(
                        "nat",
                        "nat",
                        PortKind.NAT_GATEWAY,
                        Vni.of(NAT_VNI),
                        NAT_MAC,
                        Ipv4Address.parse("10.0.1.10"),
                        24,
                        null,
                        1450,
                        null,
                        null))
                .natGateway(new NatGateway(
                        "nat-1",
                        "nat",
                        Ipv4Address.parse("203.0.113.20"),
                        1024,
                        1031,
                        350,
                        30,
                        EgressPolicy.ALLOW_ALL,
                        List.of(Ipv4Prefix.parse("10.0.2.0/24"))))
                .binding(new IpBinding(
                        Vni.of(PUBLIC_VNI), Ipv4Address.parse("198.51.100.10"), MacAddress.parse("02:00:c6:33:64:0a")))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), MacAddress.parse("02:00:c6:33:64:0a"), "a"))
                .binding(new IpBinding(
                        Vni.of(200), Ipv4Address.parse("10.0.2.5"), MacAddress.parse("02:00:0a:00:02:05")))
                .mac(new MacEntry(Vni.of(200), MacAddress.parse("02:00:0a:00:02:05"), "a"))
                .build();
    }

    @FuzzTest(maxDuration = "10s")
    void packetsAtEitherSideAreTranslatedOrCountedAsDrops(byte[] data) {
        boolean publicSide = data.length > 0 && (data[data.length - 1] & 1) == 1;
        int length = Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH + data.length;
        ByteBuf datagram = ByteBufAllocator.DEFAULT.directBuffer(length);
        Vxlan.write(datagram.writerIndex(length), 0, publicSide ? PUBLIC_VNI : NAT_VNI);
        Ethernet.write(datagram, Vxlan.HEADER_LENGTH, NAT_MAC.bits(), ROUTER_MAC.bits(), EtherType.IPV4_VALUE);
        int ip = Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH;
        datagram.setBytes(ip, data);
        if (data.length >= Ipv4.MIN_HEADER_LENGTH) {
            // steer most inputs past the address checks: the gateway's public address, or an associated source
            if (publicSide) {
                datagram.setInt(ip + 16, NAT_PUBLIC);
            } else if ((data[1] & 1) == 0) {
                datagram.setInt(ip + 12, INSTANCE);
            }
            int headerLength = (data[0] & 0x0F) * 4;
            if ((data[0] >> 4) == 4 && headerLength >= Ipv4.MIN_HEADER_LENGTH && headerLength <= data.length) {
                Ipv4.updateChecksum(datagram, ip);
            }
        }
        CLOCK.addAndGet(1_000_000_000L);
        long sentBefore = SENT.size();
        long dropsBefore = PIPELINE.counters().host().totalDrops();

        PIPELINE.fromUnderlay(datagram, REMOTE);

        long forwarded = SENT.size() - sentBefore;
        long dropped = PIPELINE.counters().host().totalDrops() - dropsBefore;
        assertThat(forwarded + dropped).isEqualTo(1);
        assertThat(datagram.refCnt()).isEqualTo(forwarded); // only a forwarded datagram is still held, by the underlay
        SENT.forEach(ByteBuf::release);
        SENT.clear();
        NatGatewaySnapshot figures = PIPELINE.natGateways(10).get(0);
        assertThat(figures.activeSessions()).isBetween(0L, 256L);
        assertThat(figures.sessions().size()).isLessThanOrEqualTo(10);
    }
}
