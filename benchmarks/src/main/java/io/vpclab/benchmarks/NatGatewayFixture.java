package io.vpclab.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.pipeline.NatGatewayTable;
import io.vpclab.dataplane.pipeline.Pipeline;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.NatGateway;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.underlay.SendOnlyUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.util.function.LongSupplier;

/**
 * The NAT gateway's host, driven without I/O: a pipeline whose table is the data plane tests'
 * {@link NatGatewayTable} (port 10.0.1.10 on VNI 100, public address 203.0.113.20, serving
 * 10.0.2.0/24 behind VTEP "a") with {@link #DESTINATIONS} internet hosts behind VTEP "i". One
 * reused datagram carries a UDP packet from an instance, arriving over VXLAN as the instance's
 * host sends it; {@link #send} rewrites its flow fields and pushes it through decapsulation, the
 * NAT and the re-encapsulation onto the provider segment.
 */
final class NatGatewayFixture {

    static final int PUBLIC_VNI = 16_777_000;
    static final int FIRST_INSTANCE = Ipv4Address.parseBits("10.0.2.2");
    static final int FIRST_DESTINATION = Ipv4Address.parseBits("198.51.100.10");
    /** Internet hosts: each takes up to 64512 sessions (the port range), so more destinations hold more. */
    static final int DESTINATIONS = 64;

    static final int IP_LENGTH = 64;

    final Pipeline pipeline;
    private final ByteBuf datagram;
    private final int length = Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH + IP_LENGTH;

    NatGatewayFixture(LongSupplier clock, int capacity, int udpIdleSeconds) {
        ForwardingState.Builder table = NatGatewayTable.hostTable(
                        PUBLIC_VNI, "i", NatGateway.DEFAULT_PORT_MIN, NatGateway.DEFAULT_PORT_MAX, udpIdleSeconds)
                .vtep(new RemoteVtep("i", Ipv4Address.parse("192.168.77.2"), Vxlan.PORT));
        for (int d = 0; d < DESTINATIONS; d++) {
            long mac = 0x02c633640000L + d;
            table.binding(new IpBinding(
                            Vni.of(PUBLIC_VNI), new Ipv4Address(FIRST_DESTINATION + d), new MacAddress(mac)))
                    .mac(new MacEntry(Vni.of(PUBLIC_VNI), new MacAddress(mac), "i"));
        }
        pipeline = new Pipeline(
                SendOnlyUnderlay.discarding(NatGatewayTable.LOCAL),
                NatGatewayTable.LOCAL,
                table.build(),
                clock,
                capacity);
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(length);
    }

    /**
     * One packet of the flow (instance {@code instance}, source port {@code port}) to internet
     * host {@code destination}:53, through the whole receive path and out to the underlay.
     */
    void send(int instance, int port, int destination) {
        datagram.readerIndex(0).writerIndex(length);
        Vxlan.write(datagram, 0, NatGatewayTable.NAT_VNI);
        int ip = Ethernet.write(
                datagram,
                Vxlan.HEADER_LENGTH,
                NatGatewayTable.NAT_MAC.bits(),
                NatGatewayTable.VPC_ROUTER_MAC.bits(),
                EtherType.IPV4_VALUE);
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
        pipeline.fromUnderlay(datagram.retain(), NatGatewayTable.INSTANCES);
    }

    void close() {
        datagram.release();
    }
}
