package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Vxlan;
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

/**
 * Arbitrary IPv4 packets for a local elastic IP under a WHITELIST ingress policy, arriving over
 * VXLAN on the public segment: the whitelist, connection tracking and ICMP-error translation
 * never throw or leak, every packet is delivered or counted as a drop, and what reaches the
 * instance is addressed to its private IP with a valid header checksum.
 */
class ElasticIpInboundFuzzTest {

    static final int PUBLIC_VNI = 16_777_215;
    static final InetSocketAddress REMOTE = new InetSocketAddress("10.255.0.2", 4789);
    static final MacAddress VM_MAC = MacAddress.parse("02:00:0a:00:01:05");
    static final Ipv4Address VM_IP = Ipv4Address.parse("10.0.1.5");
    static final Ipv4Address EIP = Ipv4Address.parse("203.0.113.10");

    private static final List<ByteBuf> DELIVERED = new ArrayList<>();
    private static final Pipeline PIPELINE = pipeline();

    static Pipeline pipeline() {
        ForwardingState state = ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("10.255.0.1"), 4789, 1500))
                .vtep(new RemoteVtep("b", Ipv4Address.parse("10.255.0.2"), 4789))
                .segment(new Segment(
                        Vni.of(100),
                        Ipv4Prefix.parse("10.0.1.0/24"),
                        Ipv4Address.parse("10.0.1.1"),
                        "r",
                        List.of(),
                        null))
                .segment(new Segment(
                        Vni.of(PUBLIC_VNI), null, Ipv4Address.parse("198.51.100.1"), "public", List.of("b"), null))
                .publicVni(Vni.of(PUBLIC_VNI))
                .port(LocalPort.simulated("vm", Vni.of(100), VM_MAC, VM_IP, 24, Ipv4Address.parse("10.0.1.1")))
                .binding(new IpBinding(Vni.of(PUBLIC_VNI), EIP, VM_MAC))
                .router(new Router(
                        "r",
                        MacAddress.parse("02:00:00:00:00:fe"),
                        List.of(new Route(Ipv4Prefix.parse("10.0.1.0/24"), Vni.of(100)))))
                .router(new Router(
                        "public",
                        MacAddress.parse("02:00:00:00:01:fe"),
                        List.of(new Route(Ipv4Prefix.parse("203.0.113.0/24"), Vni.of(PUBLIC_VNI)))))
                .whitelist(new Whitelist(
                        "wl",
                        List.of(
                                new WhitelistRule(
                                        "ssh", WhitelistProtocol.TCP, Ipv4Prefix.parse("198.51.100.0/24"), 22, 22),
                                WhitelistRule.anyPort("icmp", WhitelistProtocol.ICMP, Ipv4Prefix.parse("0.0.0.0/0")))))
                .elasticIp(new ElasticIp(EIP, Vni.of(100), VM_IP, IngressPolicy.WHITELIST, "wl"))
                .build();
        Pipeline pipeline = new Pipeline(
                SendOnlyUnderlay.discarding(new InetSocketAddress("10.255.0.1", 4789)),
                new InetSocketAddress("10.255.0.1", 4789),
                state);
        pipeline.attach("vm", new CollectingDevice());
        return pipeline;
    }

    @FuzzTest(maxDuration = "10s")
    void packetsForAnElasticIpAreDeliveredTranslatedOrCountedAsDrops(byte[] ipPacket) {
        ByteBuf payload = ByteBufAllocator.DEFAULT.directBuffer(Vxlan.MIN_DATAGRAM_LENGTH + ipPacket.length);
        payload.writerIndex(Vxlan.MIN_DATAGRAM_LENGTH);
        Vxlan.write(payload, 0, PUBLIC_VNI);
        Ethernet.setDestination(payload, Vxlan.HEADER_LENGTH, VM_MAC.bits());
        Ethernet.setSource(
                payload,
                Vxlan.HEADER_LENGTH,
                MacAddress.parse("02:00:00:00:01:fe").bits());
        payload.setShort(Vxlan.HEADER_LENGTH + 12, 0x0800);
        payload.writeBytes(ipPacket);
        int ip = Vxlan.MIN_DATAGRAM_LENGTH;
        if (ipPacket.length >= Ipv4.MIN_HEADER_LENGTH) { // most inputs reach the elastic IP, not only lucky ones
            payload.setInt(ip + 16, EIP.bits());
        }
        CountersSnapshot before = PIPELINE.counters();

        PIPELINE.fromUnderlay(payload, REMOTE);

        CountersSnapshot after = PIPELINE.counters();
        long delivered = after.port("vm").packetsOut() - before.port("vm").packetsOut();
        long dropped = after.host().totalDrops() - before.host().totalDrops();
        assertThat(delivered + dropped).isEqualTo(1);
        for (ByteBuf frame : DELIVERED) {
            assertThat(Ipv4.destination(frame, frame.readerIndex() + Ethernet.HEADER_LENGTH))
                    .isEqualTo(VM_IP.bits());
            assertThat(Ipv4.verifyChecksum(frame, frame.readerIndex() + Ethernet.HEADER_LENGTH))
                    .isTrue();
            frame.release();
        }
        DELIVERED.clear();
        assertThat(payload.refCnt())
                .as("the delivered frame was the datagram's last holder")
                .isZero();
    }

    private static final class CollectingDevice implements FrameDevice {
        @Override
        public String name() {
            return "vm";
        }

        @Override
        public void start(EventLoop loop, FrameSink sink) {}

        @Override
        public void write(ByteBuf frame) {
            DELIVERED.add(frame);
        }

        @Override
        public void close() {}
    }
}
