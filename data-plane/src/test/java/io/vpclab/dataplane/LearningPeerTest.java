package io.vpclab.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.offload.TestFrames;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.PortKind;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.tap.InMemoryVnetDevice;
import io.vpclab.dataplane.tap.SegmentingTapPort;
import io.vpclab.dataplane.tap.TapOffloads;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A segment the table gives a learning peer ({@code learningPeer}, as the point-to-point mode's
 * remote or a Linux vxlan device) and whose only local port is a TAP: unknown unicast and
 * unanswerable ARP go to the peer, a TSO burst to an unknown MAC leaves whole in one GSO send, any
 * MAC may sit behind the TAP, and the peer's frames reach the TAP. Without the attribute the
 * control plane's rules hold, whatever the table's shape: unknown unicast is dropped, the port's
 * MAC enforced.
 */
class LearningPeerTest {

    private static final int VNI = 0x800123;
    private static final int MSS = 1398;
    private static final int SEGMENTS = 21;
    private static final MacAddress TAP_MAC = MacAddress.parse("02:00:0a:00:01:05");
    private static final InetSocketAddress LOCAL = new InetSocketAddress("10.255.0.1", 4789);
    private static final InetSocketAddress PEER = new InetSocketAddress("10.255.0.2", 4789);
    private static final TapOffloads TSO = new TapOffloads(
            true, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4);

    private final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    private final AtomicInteger gsoSends = new AtomicInteger();
    private final AtomicInteger flushes = new AtomicInteger();
    private final List<byte[]> atPeer = new CopyOnWriteArrayList<>();
    private final InMemoryVnetDevice tap = new InMemoryVnetDevice("vtap0", TSO);
    private InMemoryUnderlay peer;
    private Vtep vtep;
    private SegmentingTapPort port;

    /** How the table describes the remote VTEP, the segment's one flood target. */
    private enum Peer {
        /** {@code learningPeer: true}, as the point-to-point mode's table. */
        LEARNING,
        /** The same shape (one flood VTEP, no MAC behind it) without the attribute: no learning. */
        FLOOD_ONLY,
        /** Without the attribute and with a MAC behind it, as the control plane describes its peers. */
        HOLDS_A_MAC
    }

    private void start(Peer kind) {
        start(kind, false);
    }

    private void start(Peer kind, boolean underlayGso) {
        peer = hub.join(PEER);
        peer.start((payload, sender) -> {
            atPeer.add(ByteBufUtil.getBytes(payload));
            payload.release();
        });
        vtep = new Vtep(new CountingGsoSends(hub.join(LOCAL), gsoSends, flushes, underlayGso));
        ForwardingState.Builder table = ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("10.255.0.1"), 4789, 1500))
                .vtep(new RemoteVtep("remote", Ipv4Address.parse("10.255.0.2"), 4789))
                .segment(
                        kind == Peer.LEARNING
                                ? Segment.toLearningPeer(Vni.of(VNI), "remote")
                                : Segment.l2(Vni.of(VNI), List.of("remote")))
                .port(new LocalPort(
                        "vtap0", null, PortKind.TAP, Vni.of(VNI), TAP_MAC, null, 0, null, 1450, "vtap0", null));
        if (kind == Peer.HOLDS_A_MAC) {
            table.mac(new MacEntry(Vni.of(VNI), MacAddress.parse("02:00:0a:00:01:99"), "remote"));
        }
        vtep.apply(table.build());
        port = new SegmentingTapPort(tap, 1518, PooledByteBufAllocator.DEFAULT);
        vtep.attachPort("vtap0", port);
    }

    @AfterEach
    void stop() {
        if (vtep != null) {
            vtep.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void unknownUnicastGoesToThePeerAsOneDatagram() {
        start(Peer.LEARNING);
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] frame = TestFrames.frame(spec, TestFrames.pattern(100, 1), true);

        tap.inject(TestFrames.concat(new byte[TapOffloads.VNET_HEADER_BYTES], frame));

        await().atMost(Duration.ofSeconds(5)).until(() -> atPeer.size() == 1);
        ByteBuf datagram = Unpooled.wrappedBuffer(atPeer.get(0));
        assertThat(Vxlan.vni(datagram, 0)).isEqualTo(VNI);
        assertThat(ByteBufUtil.getBytes(datagram, Vxlan.HEADER_LENGTH, frame.length))
                .isEqualTo(frame);
        assertThat(vtep.counters().host().packetsOut()).isEqualTo(1);
        assertThat(vtep.counters().host().dropped(DropReason.UNKNOWN_DESTINATION))
                .isZero();
    }

    @Test
    void anArpRequestTheTableCannotAnswerGoesToThePeer() {
        start(Peer.LEARNING);
        byte[] request = arpRequest(TAP_MAC.bits(), 0x0a5d0001, 0x0a5d0002);

        tap.inject(TestFrames.concat(new byte[TapOffloads.VNET_HEADER_BYTES], request));

        await().atMost(Duration.ofSeconds(5)).until(() -> atPeer.size() == 1);
        assertThat(ByteBufUtil.getBytes(Unpooled.wrappedBuffer(atPeer.get(0)), Vxlan.HEADER_LENGTH, request.length))
                .isEqualTo(request);
        assertThat(vtep.counters().host().dropped(DropReason.ARP_UNKNOWN_BINDING))
                .isZero();
    }

    @Test
    void aTsoBurstToAnUnknownMacLeavesWholeInOneGsoSend() {
        start(Peer.LEARNING);
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] payload = TestFrames.pattern(20 * MSS + 100, 5);

        tap.inject(TestFrames.tsoInput(TapOffloads.VNET_HEADER_BYTES, spec, payload, MSS));

        await().atMost(Duration.ofSeconds(5)).until(() -> atPeer.size() == SEGMENTS);
        assertThat(gsoSends).as("the burst's segments in one GSO send").hasValue(1);
        assertThat(port.tsoReads()).isEqualTo(1);
        assertThat(port.tsoReadsTakenWhole())
                .as("the pipeline took the burst whole")
                .isEqualTo(1);
        assertThat(vtep.counters().port("vtap0").packetsIn())
                .as("frames on the wire")
                .isEqualTo(SEGMENTS);
        for (byte[] datagram : atPeer) {
            byte[] inner = ByteBufUtil.getBytes(
                    Unpooled.wrappedBuffer(datagram), Vxlan.HEADER_LENGTH, datagram.length - Vxlan.HEADER_LENGTH);
            assertThat(TestFrames.tcpChecksumValid(inner)).isTrue();
        }
    }

    @Test
    void aReadBatchOfBurstsLeavesAsItGoesNotOnlyAtTheBatchEnd() {
        start(Peer.LEARNING);
        byte[] burst = TestFrames.tsoInput(
                TapOffloads.VNET_HEADER_BYTES, new TestFrames.Spec(), TestFrames.pattern(20 * MSS + 100, 5), MSS);
        byte[][] batch = new byte[12][]; // 12 x 29 KB: more than one 256 KB flush's worth
        java.util.Arrays.fill(batch, burst);

        tap.inject(batch);

        await().atMost(Duration.ofSeconds(5)).until(() -> atPeer.size() == 12 * SEGMENTS);
        // a whole TAP read batch can exceed the underlay's send queue: it must not wait for the batch end
        assertThat(flushes.get()).as("underlay flushes").isGreaterThanOrEqualTo(2);
        assertThat(gsoSends).hasValue(12);
    }

    @Test
    void equalSmallFramesOfOneFlowLeaveInOneGsoSendInTheirOrder() {
        start(Peer.LEARNING, true);
        TestFrames.Spec flowA = new TestFrames.Spec();
        TestFrames.Spec flowB = new TestFrames.Spec();
        flowB.sourcePort = 40001;
        byte[][] reads = new byte[6][];
        for (int i = 0; i < reads.length; i++) {
            TestFrames.Spec spec = i == 4 ? flowB : flowA;
            spec.sequence += 64;
            reads[i] = TestFrames.concat(
                    new byte[TapOffloads.VNET_HEADER_BYTES], TestFrames.frame(spec, TestFrames.pattern(64, i), true));
        }

        tap.inject(reads); // A A A A B A, one TAP read batch

        await().atMost(Duration.ofSeconds(5)).until(() -> atPeer.size() == reads.length);
        assertThat(gsoSends)
                .as("the run of four A frames in one send; B and the last A alone")
                .hasValue(1);
        for (int i = 0; i < reads.length; i++) {
            byte[] frame = java.util.Arrays.copyOfRange(reads[i], TapOffloads.VNET_HEADER_BYTES, reads[i].length);
            assertThat(ByteBufUtil.getBytes(Unpooled.wrappedBuffer(atPeer.get(i)), Vxlan.HEADER_LENGTH, frame.length))
                    .as("datagram %d in the order read", i)
                    .isEqualTo(frame);
        }
        assertThat(vtep.counters().host().packetsOut()).isEqualTo(reads.length);
    }

    @Test
    void framesFromThePeerReachTheTap() throws Exception {
        start(Peer.LEARNING);
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.sourceMac = 0x02_00_0a_00_01_06L; // a MAC the table does not know: the peer learns, the table does not
        spec.destinationMac = TAP_MAC.bits();
        byte[] frame = TestFrames.frame(spec, TestFrames.pattern(100, 2), true);
        ByteBuf datagram = Unpooled.directBuffer(Vxlan.HEADER_LENGTH + frame.length);
        Vxlan.write(datagram, 0, VNI);
        datagram.writerIndex(Vxlan.HEADER_LENGTH).writeBytes(frame);

        hub.inject(PEER, LOCAL, datagram);

        byte[] written = tap.take(Duration.ofSeconds(5));
        assertThat(written).isNotNull();
        assertThat(VirtioNetHeader.gsoType(Unpooled.wrappedBuffer(written), 0)).isEqualTo(VirtioNetHeader.GSO_NONE);
        assertThat(ByteBufUtil.getBytes(Unpooled.wrappedBuffer(written), TapOffloads.VNET_HEADER_BYTES, frame.length))
                .isEqualTo(frame);
    }

    @Test
    void aWholeInnerTsoFrameFromTheLearningPeerReachesTheTap() throws Exception {
        start(Peer.LEARNING);
        byte[] frame = inner(TestFrames.pattern(20 * MSS, 3));

        hub.inject(PEER, LOCAL, vxlan(frame));

        byte[] written = tap.take(Duration.ofSeconds(5));
        assertThat(written)
                .as("a Linux vxlan peer's inner TSO frame, larger than the inner MTU")
                .isNotNull();
        assertThat(written.length - TapOffloads.VNET_HEADER_BYTES).isEqualTo(frame.length);
        assertThat(vtep.counters().host().dropped(DropReason.OVERSIZE)).isZero();
    }

    @Test
    void anOversizeInnerFrameFromAPeerThatHoldsMacsIsDropped() {
        start(Peer.HOLDS_A_MAC);

        hub.inject(PEER, LOCAL, vxlan(inner(TestFrames.pattern(20 * MSS, 3))));

        await().atMost(Duration.ofSeconds(5)).until(() -> vtep.counters().host().dropped(DropReason.OVERSIZE) == 1);
        assertThat(tap.pending()).isZero();
    }

    /** A TCP frame to the TAP from a MAC the table does not know (the learning peer's instance). */
    private static byte[] inner(byte[] payload) {
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.sourceMac = 0x02_00_0a_00_01_06L;
        spec.destinationMac = TAP_MAC.bits();
        return TestFrames.frame(spec, payload, true);
    }

    private static ByteBuf vxlan(byte[] frame) {
        ByteBuf datagram = Unpooled.directBuffer(Vxlan.HEADER_LENGTH + frame.length);
        Vxlan.write(datagram, 0, VNI);
        return datagram.writerIndex(Vxlan.HEADER_LENGTH).writeBytes(frame);
    }

    @Test
    void aFrameFromAnotherMacBehindTheTapGoesToThePeer() {
        start(Peer.LEARNING);
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.sourceMac = 0x02_00_0a_00_01_42L; // a VM bridged behind the TAP
        byte[] frame = TestFrames.frame(spec, TestFrames.pattern(100, 1), true);

        tap.inject(TestFrames.concat(new byte[TapOffloads.VNET_HEADER_BYTES], frame));

        await().atMost(Duration.ofSeconds(5)).until(() -> atPeer.size() == 1);
        assertThat(vtep.counters().host().dropped(DropReason.SPOOFED_SOURCE)).isZero();
    }

    @Test
    void aFrameFromThePeerForAnotherMacBehindTheTapReachesIt() throws Exception {
        start(Peer.LEARNING);
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.sourceMac = 0x02_00_0a_00_01_06L;
        spec.destinationMac = 0x02_00_0a_00_01_42L;
        byte[] frame = TestFrames.frame(spec, TestFrames.pattern(100, 2), true);

        hub.inject(PEER, LOCAL, vxlan(frame));

        byte[] written = tap.take(Duration.ofSeconds(5));
        assertThat(written).isNotNull();
        assertThat(ByteBufUtil.getBytes(Unpooled.wrappedBuffer(written), TapOffloads.VNET_HEADER_BYTES, frame.length))
                .isEqualTo(frame);
    }

    @Test
    void besideAPeerThatHoldsMacsThePortSendsOnlyFromItsOwnMac() {
        start(Peer.HOLDS_A_MAC);
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.sourceMac = 0x02_00_0a_00_01_42L;
        spec.destinationMac = 0x02_00_0a_00_01_99L; // the MAC the table places behind the peer

        tap.inject(TestFrames.concat(
                new byte[TapOffloads.VNET_HEADER_BYTES], TestFrames.frame(spec, TestFrames.pattern(100, 1), true)));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> vtep.counters().host().dropped(DropReason.SPOOFED_SOURCE) == 1);
        assertThat(atPeer).isEmpty();
    }

    @Test
    void aPeerThatHoldsMacsGetsNoUnknownUnicast() {
        start(Peer.HOLDS_A_MAC);
        byte[] frame = TestFrames.frame(new TestFrames.Spec(), TestFrames.pattern(100, 1), true);

        tap.inject(TestFrames.concat(new byte[TapOffloads.VNET_HEADER_BYTES], frame));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> vtep.counters().host().dropped(DropReason.UNKNOWN_DESTINATION) == 1);
        assertThat(atPeer).isEmpty();
        assertThat(vtep.state().learningPeer(0, 0)).isEqualTo(ForwardingState.NONE);
    }

    @Test
    void aMacSeenFromTheLearningPeerIsUnicastToIt() throws Exception {
        start(Peer.LEARNING);
        hub.inject(PEER, LOCAL, vxlan(inner(TestFrames.pattern(100, 2))));
        assertThat(tap.take(Duration.ofSeconds(5))).isNotNull();
        byte[] answer = answerToThePeersInstance();

        tap.inject(TestFrames.concat(new byte[TapOffloads.VNET_HEADER_BYTES], answer));

        await().atMost(Duration.ofSeconds(5)).until(() -> atPeer.size() == 1);
        assertThat(ByteBufUtil.getBytes(Unpooled.wrappedBuffer(atPeer.get(0)), Vxlan.HEADER_LENGTH, answer.length))
                .isEqualTo(answer);
        assertThat(vtep.counters().host().dropped(DropReason.UNKNOWN_DESTINATION))
                .isZero();
    }

    /** A hand-written table of the point-to-point shape without {@code learningPeer}: nothing is learned. */
    @Test
    void withoutTheAttributeAMacSeenFromTheFloodOnlyPeerIsUnknownUnicast() throws Exception {
        start(Peer.FLOOD_ONLY);
        hub.inject(PEER, LOCAL, vxlan(inner(TestFrames.pattern(100, 2))));
        assertThat(tap.take(Duration.ofSeconds(5)))
                .as("the peer's frame to the TAP's own MAC")
                .isNotNull();

        tap.inject(TestFrames.concat(new byte[TapOffloads.VNET_HEADER_BYTES], answerToThePeersInstance()));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> vtep.counters().host().dropped(DropReason.UNKNOWN_DESTINATION) == 1);
        assertThat(atPeer).isEmpty();
        assertThat(vtep.state().learningPeer(0, 0)).isEqualTo(ForwardingState.NONE);
    }

    @Test
    void withoutTheAttributeTheFloodOnlyPeersFrameForAnotherMacIsNotDelivered() {
        start(Peer.FLOOD_ONLY);
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.sourceMac = 0x02_00_0a_00_01_06L;
        spec.destinationMac = 0x02_00_0a_00_01_42L;

        hub.inject(PEER, LOCAL, vxlan(TestFrames.frame(spec, TestFrames.pattern(100, 2), true)));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> vtep.counters().host().dropped(DropReason.NO_LOCAL_PORT) == 1);
        assertThat(tap.pending()).isZero();
    }

    @Test
    void withoutTheAttributeThePortSendsOnlyFromItsOwnMac() {
        start(Peer.FLOOD_ONLY);
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.sourceMac = 0x02_00_0a_00_01_42L; // a VM bridged behind the TAP

        tap.inject(TestFrames.concat(
                new byte[TapOffloads.VNET_HEADER_BYTES], TestFrames.frame(spec, TestFrames.pattern(100, 1), true)));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> vtep.counters().host().dropped(DropReason.SPOOFED_SOURCE) == 1);
        assertThat(atPeer).isEmpty();
    }

    /** From the TAP's MAC to the MAC of the peer's instance in {@link #inner}. */
    private static byte[] answerToThePeersInstance() {
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.sourceMac = TAP_MAC.bits();
        spec.destinationMac = 0x02_00_0a_00_01_06L;
        return TestFrames.frame(spec, TestFrames.pattern(80, 4), true);
    }

    @Test
    void taggedFramesCrossATrunkPortBothWaysUntouched() throws Exception {
        tap.passVlanTags();
        start(Peer.LEARNING);
        // as large as the inner MTU allows: a tagged frame's tag counts in it
        byte[] out = tagged(TestFrames.frame(new TestFrames.Spec(), TestFrames.pattern(MSS - 4, 1), true), 100);

        tap.inject(TestFrames.concat(new byte[TapOffloads.VNET_HEADER_BYTES], out));

        await().atMost(Duration.ofSeconds(5)).until(() -> atPeer.size() == 1);
        assertThat(atPeer.get(0)).hasSize(Vxlan.HEADER_LENGTH + out.length);
        assertThat(ByteBufUtil.getBytes(Unpooled.wrappedBuffer(atPeer.get(0)), Vxlan.HEADER_LENGTH, out.length))
                .isEqualTo(out);

        byte[] in = tagged(inner(TestFrames.pattern(MSS - 4, 2)), 100);
        hub.inject(PEER, LOCAL, vxlan(in));

        byte[] written = tap.take(Duration.ofSeconds(5));
        assertThat(written).isNotNull().hasSize(TapOffloads.VNET_HEADER_BYTES + in.length);
        assertThat(ByteBufUtil.getBytes(Unpooled.wrappedBuffer(written), TapOffloads.VNET_HEADER_BYTES, in.length))
                .isEqualTo(in);
        assertThat(vtep.counters().host().dropped(DropReason.VLAN_TAGGED)).isZero();
    }

    @Test
    void anAccessPortDropsAndCountsTaggedFramesBothWays() {
        start(Peer.LEARNING);
        byte[] out = tagged(TestFrames.frame(new TestFrames.Spec(), TestFrames.pattern(100, 1), true), 100);

        tap.inject(TestFrames.concat(new byte[TapOffloads.VNET_HEADER_BYTES], out));
        hub.inject(PEER, LOCAL, vxlan(tagged(inner(TestFrames.pattern(100, 2)), 100)));

        await().atMost(Duration.ofSeconds(5)).until(() -> vtep.counters().host().dropped(DropReason.VLAN_TAGGED) == 2);
        assertThat(vtep.counters().port("vtap0").dropped(DropReason.VLAN_TAGGED))
                .isEqualTo(2);
        assertThat(atPeer).isEmpty();
        assertThat(tap.pending()).isZero();
    }

    /** {@code frame} with an 802.1Q tag for {@code vlan} after its MAC addresses. */
    private static byte[] tagged(byte[] frame, int vlan) {
        byte[] tag = {(byte) 0x81, 0x00, (byte) (vlan >>> 8), (byte) vlan};
        return TestFrames.concat(
                java.util.Arrays.copyOfRange(frame, 0, 12), tag, java.util.Arrays.copyOfRange(frame, 12, frame.length));
    }

    /** An Ethernet ARP request (broadcast) from {@code mac}/{@code senderIp} for {@code targetIp}. */
    private static byte[] arpRequest(long mac, int senderIp, int targetIp) {
        ByteBuf f = Unpooled.buffer(42);
        f.writeMedium(0xFFFFFF).writeMedium(0xFFFFFF);
        f.writeShort((int) (mac >>> 32)).writeInt((int) mac);
        f.writeShort(0x0806);
        f.writeShort(1).writeShort(0x0800).writeByte(6).writeByte(4).writeShort(1);
        f.writeShort((int) (mac >>> 32)).writeInt((int) mac).writeInt(senderIp);
        f.writeZero(6).writeInt(targetIp);
        return ByteBufUtil.getBytes(f);
    }
}
