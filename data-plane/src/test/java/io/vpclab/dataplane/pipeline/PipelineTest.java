package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.net.Ipv4Address;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipeline driven frame by frame: header written in place, VNI, source ports, routing rewrite. */
class PipelineTest {

    final PipelineFixture fixture = new PipelineFixture();

    @AfterEach
    void release() {
        fixture.releaseOutputs();
    }

    @Test
    void encapsulatesInPlaceInTheHeadroom() {
        ByteBuf frame = udpFrame(PipelineFixture.REMOTE_MAC.bits(), "10.0.1.6", 40000, 64);
        int frameStart = frame.readerIndex();

        fixture.pipeline.fromPort(fixture.attachment, frame);

        assertThat(fixture.sent).hasSize(1);
        ByteBuf datagram = fixture.sent.get(0);
        assertThat(datagram).isSameAs(frame);
        assertThat(datagram.readerIndex()).isEqualTo(frameStart - Vxlan.HEADER_LENGTH);
        assertThat(Vxlan.hasVni(datagram, datagram.readerIndex())).isTrue();
        assertThat(Vxlan.vni(datagram, datagram.readerIndex())).isEqualTo(100);
        assertThat(datagram.readableBytes()).isEqualTo(Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH + 64);
    }

    @Test
    void framesWithoutHeadroomAreCopiedOnceAndStillSent() {
        ByteBuf withHeadroom = udpFrame(PipelineFixture.REMOTE_MAC.bits(), "10.0.1.6", 40000, 64);
        ByteBuf bare = ByteBufAllocator.DEFAULT.directBuffer().writeBytes(withHeadroom);
        withHeadroom.release();

        fixture.pipeline.fromPort(fixture.attachment, bare);

        assertThat(bare.refCnt()).isZero();
        assertThat(fixture.sent).hasSize(1);
        assertThat(Vxlan.vni(fixture.sent.get(0), fixture.sent.get(0).readerIndex()))
                .isEqualTo(100);
    }

    @Test
    void routesToAnotherVniRewritingMacsAndTtl() {
        ByteBuf frame = udpFrame(PipelineFixture.ROUTER_MAC.bits(), "10.0.2.6", 40000, 64);

        fixture.pipeline.fromPort(fixture.attachment, frame);

        ByteBuf datagram = fixture.sent.get(0);
        int inner = datagram.readerIndex() + Vxlan.HEADER_LENGTH;
        int ip = inner + Ethernet.HEADER_LENGTH;
        assertThat(Vxlan.vni(datagram, datagram.readerIndex())).isEqualTo(0xFFFFFF);
        assertThat(Ethernet.destination(datagram, inner)).isEqualTo(PipelineFixture.REMOTE_MAC_2.bits());
        assertThat(Ethernet.source(datagram, inner)).isEqualTo(PipelineFixture.ROUTER_MAC.bits());
        assertThat(Ipv4.ttl(datagram, ip)).isEqualTo(63);
        assertThat(Ipv4.verifyChecksum(datagram, ip)).isTrue();
        assertThat(fixture.pipeline.counters().segment(0xFFFFFF).packetsOut()).isEqualTo(1);
    }

    @Test
    void sourcePortsFollowTheInnerFlow() {
        Set<Integer> ports = new HashSet<>();
        for (int flow = 0; flow < 64; flow++) {
            ByteBuf a = udpFrame(PipelineFixture.REMOTE_MAC.bits(), "10.0.1.6", 40000 + flow, 64);
            ByteBuf b = udpFrame(PipelineFixture.REMOTE_MAC.bits(), "10.0.1.6", 40000 + flow, 64);
            int portA = VxlanEncapsulator.sourcePort(a);
            assertThat(VxlanEncapsulator.sourcePort(b))
                    .as("same flow, same port")
                    .isEqualTo(portA);
            assertThat(portA).isBetween(49152, 65535);
            ports.add(portA);
            a.release();
            b.release();
        }
        assertThat(ports).as("different flows spread over the range").hasSizeGreaterThan(48);
    }

    @Test
    void oversizeIsCountedOnPortSegmentAndHost() {
        int largest = 1500 - Vxlan.OVERHEAD;
        fixture.pipeline.fromPort(
                fixture.attachment, udpFrame(PipelineFixture.REMOTE_MAC.bits(), "10.0.1.6", 40000, largest + 1));

        assertThat(fixture.sent).isEmpty();
        var counters = fixture.pipeline.counters();
        assertThat(counters.host().dropped(DropReason.OVERSIZE)).isEqualTo(1);
        assertThat(counters.port("p1").dropped(DropReason.OVERSIZE)).isEqualTo(1);
        assertThat(counters.segment(100).dropped(DropReason.OVERSIZE)).isEqualTo(1);
    }

    @Test
    void aDetachedPortsFramesAreDroppedAsUnknownPort() {
        fixture.pipeline.detach("p1");
        ByteBuf frame = udpFrame(PipelineFixture.REMOTE_MAC.bits(), "10.0.1.6", 40000, 64);

        fixture.pipeline.fromPort(fixture.attachment, frame);

        assertThat(frame.refCnt()).isZero();
        assertThat(fixture.pipeline.counters().host().dropped(DropReason.UNKNOWN_PORT))
                .isEqualTo(1);
    }

    @Test
    void taggedFramesAndArpForTheSendersOwnAddressAreDroppedByReason() {
        ByteBuf tagged = ByteBufAllocator.DEFAULT.directBuffer(FrameDevice.HEADROOM + 64);
        tagged.writerIndex(FrameDevice.HEADROOM + 64).readerIndex(FrameDevice.HEADROOM);
        Ethernet.writeTagged(
                tagged,
                FrameDevice.HEADROOM,
                PipelineFixture.REMOTE_MAC.bits(),
                PipelineFixture.LOCAL_MAC.bits(),
                5,
                EtherType.IPV4_VALUE);
        fixture.pipeline.fromPort(fixture.attachment, tagged);

        ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(FrameDevice.HEADROOM + 42);
        probe.writerIndex(FrameDevice.HEADROOM + 42).readerIndex(FrameDevice.HEADROOM);
        int arp = Ethernet.write(
                probe,
                FrameDevice.HEADROOM,
                io.vpclab.net.MacAddress.BROADCAST.bits(),
                PipelineFixture.LOCAL_MAC.bits(),
                EtherType.ARP_VALUE);
        io.vpclab.dataplane.packet.Arp.write(
                probe,
                arp,
                io.vpclab.dataplane.packet.ArpOperation.REQUEST,
                PipelineFixture.LOCAL_MAC.bits(),
                0,
                0,
                Ipv4Address.parseBits("10.0.1.5")); // RFC 5227 probe
        fixture.pipeline.fromPort(fixture.attachment, probe);

        var port = fixture.pipeline.counters().port("p1");
        assertThat(port.dropped(DropReason.VLAN_TAGGED)).isEqualTo(1);
        assertThat(port.dropped(DropReason.ARP_OWN_ADDRESS)).isEqualTo(1);
        assertThat(fixture.sent).isEmpty();
        assertThat(fixture.delivered).isEmpty();
        assertThat(tagged.refCnt()).isZero();
        assertThat(probe.refCnt()).isZero();
    }

    @Test
    void arpForTheGatewayIsAnsweredWithTheRouterMac() {
        ByteBuf request = ByteBufAllocator.DEFAULT.directBuffer(FrameDevice.HEADROOM + 42);
        request.writerIndex(FrameDevice.HEADROOM + 42).readerIndex(FrameDevice.HEADROOM);
        int arp = Ethernet.write(
                request,
                FrameDevice.HEADROOM,
                io.vpclab.net.MacAddress.BROADCAST.bits(),
                PipelineFixture.LOCAL_MAC.bits(),
                EtherType.ARP_VALUE);
        io.vpclab.dataplane.packet.Arp.write(
                request,
                arp,
                io.vpclab.dataplane.packet.ArpOperation.REQUEST,
                PipelineFixture.LOCAL_MAC.bits(),
                Ipv4Address.parseBits("10.0.1.5"),
                0,
                Ipv4Address.parseBits("10.0.1.1"));

        fixture.pipeline.fromPort(fixture.attachment, request);

        assertThat(fixture.delivered).hasSize(1);
        ByteBuf reply = fixture.delivered.get(0);
        int at = reply.readerIndex();
        assertThat(Ethernet.destination(reply, at)).isEqualTo(PipelineFixture.LOCAL_MAC.bits());
        assertThat(Ethernet.source(reply, at)).isEqualTo(PipelineFixture.ROUTER_MAC.bits());
        assertThat(io.vpclab.dataplane.packet.Arp.operation(reply, at + 14)).isEqualTo(2);
        assertThat(io.vpclab.dataplane.packet.Arp.senderMac(reply, at + 14))
                .isEqualTo(PipelineFixture.ROUTER_MAC.bits());
        assertThat(io.vpclab.dataplane.packet.Arp.senderIp(reply, at + 14))
                .isEqualTo(Ipv4Address.parseBits("10.0.1.1"));
        assertThat(io.vpclab.dataplane.packet.Arp.targetIp(reply, at + 14))
                .isEqualTo(Ipv4Address.parseBits("10.0.1.5"));
        assertThat(fixture.pipeline.counters().segment(100).arpRepliesSuppressed())
                .isEqualTo(1);
    }

    /** A UDP frame from p1 (10.0.1.5) with {@link FrameDevice#HEADROOM} bytes of headroom. */
    static ByteBuf udpFrame(long destinationMac, String destination, int sourcePort, int ipLength) {
        ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(FrameDevice.HEADROOM + Ethernet.HEADER_LENGTH + ipLength);
        frame.writerIndex(FrameDevice.HEADROOM + Ethernet.HEADER_LENGTH + ipLength)
                .readerIndex(FrameDevice.HEADROOM);
        int at = Ethernet.write(
                frame, FrameDevice.HEADROOM, destinationMac, PipelineFixture.LOCAL_MAC.bits(), EtherType.IPV4_VALUE);
        at = Ipv4.write(
                frame,
                at,
                ipLength,
                1,
                64,
                IpProtocol.UDP_VALUE,
                Ipv4Address.parseBits("10.0.1.5"),
                Ipv4Address.parseBits(destination));
        Udp.write(frame, at, sourcePort, 5001, ipLength - Ipv4.MIN_HEADER_LENGTH);
        return frame;
    }
}
