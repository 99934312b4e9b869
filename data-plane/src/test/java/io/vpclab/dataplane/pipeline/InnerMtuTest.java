package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.net.Ipv4Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The inner MTU (underlay 1500 - 50 = 1450) in both directions: one byte over is dropped as
 * OVERSIZE and counted, exactly at it passes, and a DF packet from a port is answered with ICMP
 * fragmentation needed (RFC 1191) carrying 1450.
 */
class InnerMtuTest {

    private static final int INNER_MTU = 1500 - 50;

    final PipelineFixture fixture = new PipelineFixture();

    @AfterEach
    void release() {
        fixture.releaseOutputs();
    }

    @Test
    void aBridgedDfPacketOneByteOverIsDroppedAndAnsweredFromItsDestination() {
        ByteBuf frame = dontFragment(
                PipelineTest.udpFrame(PipelineFixture.REMOTE_MAC.bits(), "10.0.1.6", 40000, INNER_MTU + 1));
        ByteBuf original = frame.copy();

        fixture.pipeline.fromPort(fixture.attachment, frame);

        assertThat(fixture.sent).isEmpty();
        assertThat(frame.refCnt()).isZero();
        assertOversizeCountedOnce();
        assertThat(fixture.delivered)
                .singleElement()
                .satisfies(error ->
                        assertFragmentationNeeded(error, original, PipelineFixture.REMOTE_MAC.bits(), "10.0.1.6"));
        original.release();
    }

    @Test
    void aRoutedDfPacketOneByteOverIsAnsweredByTheRouterFromTheGateway() {
        ByteBuf frame = dontFragment(
                PipelineTest.udpFrame(PipelineFixture.ROUTER_MAC.bits(), "10.0.2.6", 40000, INNER_MTU + 1));
        ByteBuf original = frame.copy();

        fixture.pipeline.fromPort(fixture.attachment, frame);

        assertThat(fixture.sent).isEmpty();
        assertOversizeCountedOnce();
        assertThat(fixture.delivered)
                .singleElement()
                .satisfies(error ->
                        assertFragmentationNeeded(error, original, PipelineFixture.ROUTER_MAC.bits(), "10.0.1.1"));
        original.release();
    }

    @Test
    void anOversizePacketForAPortOnTheSameHostIsDroppedToo() {
        // p2 (10.0.2.5) is local: what passes must not depend on where the instances are placed
        fixture.pipeline.fromPort(
                fixture.attachment,
                dontFragment(
                        PipelineTest.udpFrame(PipelineFixture.ROUTER_MAC.bits(), "10.0.2.5", 40000, INNER_MTU + 1)));

        assertOversizeCountedOnce();
        assertThat(fixture.delivered)
                .singleElement()
                .satisfies(error -> assertThat(Ethernet.destination(error, error.readerIndex()))
                        .isEqualTo(PipelineFixture.LOCAL_MAC.bits()));
        assertThat(fixture.pipeline.counters().port("p2").packetsOut()).isZero();
    }

    @Test
    void withoutDfAnOversizePacketIsDroppedAndCountedWithoutAnswer() {
        fixture.pipeline.fromPort(
                fixture.attachment,
                PipelineTest.udpFrame(PipelineFixture.REMOTE_MAC.bits(), "10.0.1.6", 40000, INNER_MTU + 1));

        assertThat(fixture.sent).isEmpty();
        assertThat(fixture.delivered).isEmpty();
        assertOversizeCountedOnce();
    }

    @Test
    void anIcmpErrorOverTheMtuIsNeverAnsweredWithAnother() {
        ByteBuf frame = PipelineTest.udpFrame(PipelineFixture.REMOTE_MAC.bits(), "10.0.1.6", 40000, INNER_MTU + 1);
        int ip = frame.readerIndex() + Ethernet.HEADER_LENGTH;
        frame.setByte(ip + 9, IpProtocol.ICMP_VALUE);
        frame.setByte(ip + Ipv4.MIN_HEADER_LENGTH, IcmpType.DESTINATION_UNREACHABLE_VALUE);

        fixture.pipeline.fromPort(fixture.attachment, dontFragment(frame));

        assertThat(fixture.delivered).isEmpty();
        assertOversizeCountedOnce();
    }

    @Test
    void aDfPacketExactlyAtTheMtuLeaves() {
        fixture.pipeline.fromPort(
                fixture.attachment,
                dontFragment(PipelineTest.udpFrame(PipelineFixture.REMOTE_MAC.bits(), "10.0.1.6", 40000, INNER_MTU)));

        assertThat(fixture.delivered).isEmpty();
        assertThat(fixture.sent)
                .singleElement()
                .satisfies(datagram -> assertThat(datagram.readableBytes())
                        .isEqualTo(Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH + INNER_MTU));
        assertThat(fixture.pipeline.counters().host().totalDrops()).isZero();
    }

    @Test
    void fromTheUnderlayAnInnerFrameOneByteOverIsDroppedAndCounted() {
        fixture.pipeline.fromUnderlay(datagram(INNER_MTU + 1), PipelineFixture.REMOTE);

        assertThat(fixture.delivered).isEmpty();
        var counters = fixture.pipeline.counters();
        assertThat(counters.host().dropped(DropReason.OVERSIZE)).isEqualTo(1);
        assertThat(counters.segment(100).dropped(DropReason.OVERSIZE)).isEqualTo(1);
        assertThat(counters.port("p1").packetsOut()).isZero();
    }

    @Test
    void fromTheUnderlayAnInnerFrameExactlyAtTheMtuIsDelivered() {
        fixture.pipeline.fromUnderlay(datagram(INNER_MTU), PipelineFixture.REMOTE);

        assertThat(fixture.delivered)
                .singleElement()
                .satisfies(frame -> assertThat(frame.readableBytes()).isEqualTo(Ethernet.HEADER_LENGTH + INNER_MTU));
        assertThat(fixture.pipeline.counters().host().totalDrops()).isZero();
    }

    private void assertOversizeCountedOnce() {
        var counters = fixture.pipeline.counters();
        assertThat(counters.host().dropped(DropReason.OVERSIZE)).isEqualTo(1);
        assertThat(counters.port("p1").dropped(DropReason.OVERSIZE)).isEqualTo(1);
        assertThat(counters.segment(100).dropped(DropReason.OVERSIZE)).isEqualTo(1);
        assertThat(counters.host().totalDrops()).isEqualTo(1);
    }

    /** Type 3 code 4 to p1 with the next-hop MTU, quoting the packet's IP header and 8 bytes, checksums valid. */
    private static void assertFragmentationNeeded(ByteBuf error, ByteBuf original, long sourceMac, String sourceIp) {
        int at = error.readerIndex();
        int ip = at + Ethernet.HEADER_LENGTH;
        int icmp = ip + Ipv4.MIN_HEADER_LENGTH;
        int originalIp = original.readerIndex() + Ethernet.HEADER_LENGTH;
        assertThat(Ethernet.destination(error, at)).isEqualTo(PipelineFixture.LOCAL_MAC.bits());
        assertThat(Ethernet.source(error, at)).isEqualTo(sourceMac);
        assertThat(Ipv4.verifyChecksum(error, ip)).isTrue();
        assertThat(Ipv4.source(error, ip)).isEqualTo(Ipv4Address.parseBits(sourceIp));
        assertThat(Ipv4.destination(error, ip)).isEqualTo(Ipv4Address.parseBits("10.0.1.5"));
        assertThat(Ipv4.protocol(error, ip)).isEqualTo(IpProtocol.ICMP_VALUE);
        int icmpLength = Ipv4.totalLength(error, ip) - Ipv4.MIN_HEADER_LENGTH;
        assertThat(icmpLength).isEqualTo(Icmp.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + Icmp.QUOTED_PAYLOAD);
        assertThat(Icmp.type(error, icmp)).isEqualTo(3);
        assertThat(Icmp.code(error, icmp)).isEqualTo(4);
        assertThat(error.getUnsignedShort(icmp + 4)).as("unused").isZero();
        assertThat(error.getUnsignedShort(icmp + 6)).as("next-hop MTU").isEqualTo(INNER_MTU);
        assertThat(Icmp.verifyChecksum(error, icmp, icmpLength)).isTrue();
        assertThat(io.netty.buffer.ByteBufUtil.equals(
                        error,
                        Icmp.quotedPacket(icmp),
                        original,
                        originalIp,
                        Ipv4.MIN_HEADER_LENGTH + Icmp.QUOTED_PAYLOAD))
                .as("quoted header and 8 bytes")
                .isTrue();
    }

    private static ByteBuf dontFragment(ByteBuf frame) {
        int ip = frame.readerIndex() + Ethernet.HEADER_LENGTH;
        frame.setShort(ip + 6, Ipv4.FLAG_DONT_FRAGMENT);
        Ipv4.updateChecksum(frame, ip);
        return frame;
    }

    /** A VXLAN datagram from the remote VTEP on vni 100: REMOTE_MAC to p1, an IPv4 packet of {@code ipLength}. */
    private static ByteBuf datagram(int ipLength) {
        ByteBuf frame = PipelineTest.udpFrame(PipelineFixture.LOCAL_MAC.bits(), "10.0.1.5", 40000, ipLength);
        int at = frame.readerIndex();
        Ethernet.setSource(frame, at, PipelineFixture.REMOTE_MAC.bits());
        ByteBuf datagram = ByteBufAllocator.DEFAULT.directBuffer(Vxlan.HEADER_LENGTH + frame.readableBytes());
        datagram.writeZero(Vxlan.HEADER_LENGTH).writeBytes(frame);
        Vxlan.write(datagram, 0, 100);
        frame.release();
        return datagram;
    }
}
