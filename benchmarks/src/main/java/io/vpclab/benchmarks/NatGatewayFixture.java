package io.vpclab.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.pipeline.Pipeline;
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
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The NAT gateway's host, driven without I/O: a pipeline whose table holds a NAT gateway (port
 * 10.0.1.10 on VNI 100, public address 203.0.113.20) serving 10.0.2.0/24, the private instances
 * behind VTEP "a" and {@link #DESTINATIONS} internet hosts behind VTEP "i". One reused datagram
 * carries a UDP packet from an instance, arriving over VXLAN as the instance's host sends it;
 * {@link #send} rewrites its flow fields and pushes it through decapsulation, the NAT and the
 * re-encapsulation onto the provider segment.
 */
final class NatGatewayFixture {

    static final InetSocketAddress LOCAL = new InetSocketAddress("192.168.77.3", Vxlan.PORT);
    static final InetSocketAddress INSTANCES = new InetSocketAddress("192.168.77.1", Vxlan.PORT);
    static final int NAT_VNI = 100;
    static final int PRIVATE_VNI = 200;
    static final int PUBLIC_VNI = 16_777_000;
    static final long NAT_MAC = 0x02000a00010aL;
    static final long ROUTER_MAC = 0x0200000000feL;
    static final int NAT_IP = Ipv4Address.parseBits("10.0.1.10");
    static final int FIRST_INSTANCE = Ipv4Address.parseBits("10.0.2.2");
    static final int FIRST_DESTINATION = Ipv4Address.parseBits("198.51.100.10");
    /** Internet hosts: each takes up to 64512 sessions (the port range), so more destinations hold more. */
    static final int DESTINATIONS = 64;

    static final int IP_LENGTH = 64;

    final Pipeline pipeline;
    private final ByteBuf datagram;
    private final int length = Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH + IP_LENGTH;

    NatGatewayFixture(LongSupplier clock, int capacity, int udpIdleSeconds) {
        ForwardingState.Builder table = ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("192.168.77.3"), Vxlan.PORT, 1500))
                .vtep(new RemoteVtep("a", Ipv4Address.parse("192.168.77.1"), Vxlan.PORT))
                .vtep(new RemoteVtep("i", Ipv4Address.parse("192.168.77.2"), Vxlan.PORT))
                .segment(new Segment(
                        Vni.of(NAT_VNI),
                        Ipv4Prefix.parse("10.0.1.0/24"),
                        Ipv4Address.parse("10.0.1.1"),
                        "r1",
                        List.of("a"),
                        null))
                .segment(new Segment(
                        Vni.of(PRIVATE_VNI),
                        Ipv4Prefix.parse("10.0.2.0/24"),
                        Ipv4Address.parse("10.0.2.1"),
                        "r1",
                        List.of("a"),
                        null))
                .segment(new Segment(
                        Vni.of(PUBLIC_VNI), null, Ipv4Address.parse("198.51.100.1"), "public", List.of("i"), null))
                .publicVni(Vni.of(PUBLIC_VNI))
                .router(new Router(
                        "r1",
                        new MacAddress(ROUTER_MAC),
                        List.of(
                                new Route(Ipv4Prefix.parse("10.0.1.0/24"), Vni.of(NAT_VNI)),
                                new Route(Ipv4Prefix.parse("10.0.2.0/24"), Vni.of(PRIVATE_VNI)))))
                .router(new Router(
                        "public",
                        MacAddress.parse("02:00:00:00:ff:fe"),
                        List.of(new Route(Ipv4Prefix.parse("198.51.100.0/24"), Vni.of(PUBLIC_VNI)))))
                .port(new LocalPort(
                        "nat",
                        "nat",
                        PortKind.NAT_GATEWAY,
                        Vni.of(NAT_VNI),
                        new MacAddress(NAT_MAC),
                        new Ipv4Address(NAT_IP),
                        24,
                        null,
                        1450,
                        null,
                        null))
                .natGateway(new NatGateway(
                        "nat-1",
                        "nat",
                        Ipv4Address.parse("203.0.113.20"),
                        NatGateway.DEFAULT_PORT_MIN,
                        NatGateway.DEFAULT_PORT_MAX,
                        NatGateway.DEFAULT_IDLE_SECONDS,
                        udpIdleSeconds,
                        EgressPolicy.ALLOW_ALL,
                        List.of(Ipv4Prefix.parse("10.0.2.0/24"))));
        for (int d = 0; d < DESTINATIONS; d++) {
            long mac = 0x02c633640000L + d;
            table.binding(new IpBinding(
                            Vni.of(PUBLIC_VNI), new Ipv4Address(FIRST_DESTINATION + d), new MacAddress(mac)))
                    .mac(new MacEntry(Vni.of(PUBLIC_VNI), new MacAddress(mac), "i"));
        }
        pipeline = new Pipeline(SendOnlyUnderlay.discarding(LOCAL), LOCAL, table.build(), clock, capacity);
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(length);
    }

    /**
     * One packet of the flow (instance {@code instance}, source port {@code port}) to internet
     * host {@code destination}:53, through the whole receive path and out to the underlay.
     */
    void send(int instance, int port, int destination) {
        datagram.readerIndex(0).writerIndex(length);
        Vxlan.write(datagram, 0, NAT_VNI);
        int ip = Ethernet.write(datagram, Vxlan.HEADER_LENGTH, NAT_MAC, ROUTER_MAC, EtherType.IPV4_VALUE);
        int udp = Ipv4.write(
                datagram,
                ip,
                IP_LENGTH,
                1,
                63,
                IpProtocol.UDP_VALUE,
                FIRST_INSTANCE + instance,
                FIRST_DESTINATION + destination);
        Udp.write(datagram, udp, port, 53, IP_LENGTH - Ipv4.MIN_HEADER_LENGTH);
        pipeline.fromUnderlay(datagram.retain(), INSTANCES);
    }

    void close() {
        datagram.release();
    }

    /** Releases what the pipeline sends: the benchmark measures the NAT, not I/O. */
}
