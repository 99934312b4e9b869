package io.vpclab.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.tap.InMemoryVnetDevice;
import io.vpclab.dataplane.tap.TapOffloads;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two fast-path tunnels over the in-memory underlay, each behind an in-memory TAP with a
 * virtio-net header: a TSO burst read on one side is cut into segments, crosses as VXLAN
 * datagrams and is merged back into one burst on the other; small frames of one flow share a
 * send; what the segmenter refuses is counted and dropped.
 */
class OffloadTunnelTest {

    private static final int VNI = 0x800000;
    private static final InetSocketAddress A = new InetSocketAddress("192.168.78.1", 4789);
    private static final InetSocketAddress B = new InetSocketAddress("192.168.78.2", 4789);
    private static final int MSS = 1398;
    private static final int HEADER = TapOffloads.VNET_HEADER_BYTES;
    private static final TapOffloads TSO = new TapOffloads(true, TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4,
            TapOffloads.ALL);

    private final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    private InMemoryUnderlay underlayA;
    private InMemoryUnderlay underlayB;
    private InMemoryVnetDevice deviceA;
    private InMemoryVnetDevice deviceB;
    private OffloadTunnel tunnelA;
    private OffloadTunnel tunnelB;

    @BeforeEach
    void start() {
        underlayA = hub.join(A);
        underlayB = hub.join(B);
        deviceA = new InMemoryVnetDevice("a", TSO);
        deviceB = new InMemoryVnetDevice("b", TSO);
        tunnelA = new OffloadTunnel(deviceA, underlayA, VNI, B, 1500, PooledByteBufAllocator.DEFAULT, true);
        tunnelB = new OffloadTunnel(deviceB, underlayB, VNI, A, 1500, PooledByteBufAllocator.DEFAULT, true);
        tunnelA.start();
        tunnelB.start();
    }

    @AfterEach
    void stop() {
        underlayA.close();
        underlayB.close();
        tunnelA.release();
        tunnelB.release();
    }

    @Test
    void aTsoBurstCrossesAsSegmentsAndArrivesAsOneBurst() throws Exception {
        byte[] payload = pattern(20 * MSS + 100);   // 20 full segments and a short last one
        deviceA.inject(tsoRead(payload, 1000, 0x1234));

        byte[] arrived = deviceB.take(Duration.ofSeconds(5));
        assertThat(arrived).as("one TAP write on B").isNotNull();
        ByteBuf header = Unpooled.wrappedBuffer(arrived);
        assertThat(VirtioNetHeader.gsoProtocol(header, 0)).isEqualTo(VirtioNetHeader.GSO_TCPV4);
        assertThat(VirtioNetHeader.gsoSize(header, 0)).isEqualTo(MSS);
        int ip = HEADER + 14;
        assertThat(header.getUnsignedShort(ip + 2)).as("IPv4 total length").isEqualTo(20 + 20 + payload.length);
        assertThat(header.getUnsignedInt(ip + 20 + 4)).as("sequence of the first segment").isEqualTo(1000);
        assertThat(Arrays.copyOfRange(arrived, ip + 40, arrived.length)).isEqualTo(payload);
        assertThat(deviceB.pending()).isZero();

        Map<String, Long> sent = tunnelA.counterGroups().get("offload");
        assertThat(sent).containsEntry("tsoBursts", 1L).containsEntry("tsoSegments", 21L)
                .containsEntry("segmentRefusals", 0L);
        assertThat(tunnelA.counters().encapsulated()).isEqualTo(21);
        Map<String, Long> received = tunnelB.counterGroups().get("offload");
        assertThat(received).containsEntry("coalescerFramesIn", 21L).containsEntry("coalescedBursts", 1L)
                .containsEntry("coalescerChecksumFailures", 0L);
    }

    @Test
    void smallFramesOfOneFlowShareOneSendAndArriveUnchanged() throws Exception {
        byte[] frame = udpFrame(40000, 64);
        byte[] read = concat(new byte[HEADER], frame);
        deviceA.inject(read, read, read, read, read);
        for (int i = 0; i < 5; i++) {
            byte[] arrived = deviceB.take(Duration.ofSeconds(5));
            assertThat(arrived).isNotNull();
            assertThat(Arrays.copyOfRange(arrived, HEADER, arrived.length)).isEqualTo(frame);
            assertThat(arrived[1]).as("gso_type NONE").isZero();
        }
        assertThat(tunnelA.counterGroups().get("offload"))
                .containsEntry("batchedSends", 1L).containsEntry("batchedDatagrams", 5L);
    }

    @Test
    void framesOfAnotherFlowStartAnotherSend() throws Exception {
        byte[] first = concat(new byte[HEADER], udpFrame(40000, 64));
        byte[] other = concat(new byte[HEADER], udpFrame(40001, 64));
        deviceA.inject(first, first, other, other, first);
        for (int i = 0; i < 5; i++) {
            assertThat(deviceB.take(Duration.ofSeconds(5))).isNotNull();
        }
        // runs: [first first] [other other] [first]; only runs of two or more count as batched
        assertThat(tunnelA.counterGroups().get("offload"))
                .containsEntry("batchedSends", 2L).containsEntry("batchedDatagrams", 4L);
        assertThat(tunnelA.counters().encapsulated()).isEqualTo(5);
    }

    @Test
    void aBurstTheSegmenterRefusesIsDroppedAndCountedAndTheNextFramePasses() throws Exception {
        byte[] burst = tsoRead(pattern(4 * MSS), 1, 1);
        burst[1] = (byte) VirtioNetHeader.GSO_TCPV6;   // an IPv4 frame claiming TCPv6 segmentation
        byte[] frame = concat(new byte[HEADER], udpFrame(40000, 100));
        deviceA.inject(burst, frame);
        byte[] arrived = deviceB.take(Duration.ofSeconds(5));
        assertThat(Arrays.copyOfRange(arrived, HEADER, arrived.length))
                .isEqualTo(Arrays.copyOfRange(frame, HEADER, frame.length));
        assertThat(tunnelA.counterGroups().get("offload"))
                .containsEntry("segmentRefusals", 1L).containsEntry("unsupportedGsoDrops", 1L)
                .containsEntry("tsoBursts", 0L);
        assertThat(deviceB.pending()).isZero();
    }

    @Test
    void anMssTheUnderlayCannotCarryIsDroppedWhole() {
        byte[] payload = pattern(3 * 1500);
        deviceA.inject(tsoRead(payload, 1, 1, 1500));
        await().atMost(Duration.ofSeconds(5)).until(() -> tunnelA.counters().oversizeDrops() == 1);
        assertThat(tunnelA.counters().encapsulated()).isZero();
    }

    @Test
    void aBurstCutFinerThanAnyTcpMssIsRefused() {
        deviceA.inject(tsoRead(pattern(4000), 1, 1, 8));
        await().atMost(Duration.ofSeconds(5)).until(() ->
                tunnelA.counterGroups().get("offload").get("tinyGsoSizeDrops") == 1L);
        assertThat(tunnelA.counters().encapsulated()).isZero();
    }

    @Test
    void datagramsFromAStrangerOrForAnotherVniAreDroppedByReason() throws Exception {
        byte[] frame = udpFrame(40000, 64);
        hub.inject(new InetSocketAddress("192.168.78.9", 4789), B, Unpooled.wrappedBuffer(vxlan(VNI), frame));
        hub.inject(A, B, Unpooled.wrappedBuffer(vxlan(VNI - 1), frame));
        hub.inject(A, B, Unpooled.wrappedBuffer(vxlan(VNI), frame));
        byte[] arrived = deviceB.take(Duration.ofSeconds(5));
        assertThat(Arrays.copyOfRange(arrived, HEADER, arrived.length)).isEqualTo(frame);
        assertThat(tunnelB.counters().unknownVtepDrops()).isEqualTo(1);
        assertThat(tunnelB.counters().wrongVniDrops()).isEqualTo(1);
        assertThat(tunnelB.counters().decapsulated()).isEqualTo(1);
    }

    // --- frames ---------------------------------------------------------------------------

    private static byte[] tsoRead(byte[] payload, long sequence, int ipId) {
        return tsoRead(payload, sequence, ipId, MSS);
    }

    /** What a TAP with TSO hands over: virtio header (GSO_TCPV4, NEEDS_CSUM) + one large frame, checksum partial. */
    private static byte[] tsoRead(byte[] payload, long sequence, int ipId, int mss) {
        int tcpLength = 20 + payload.length;
        ByteBuffer f = ByteBuffer.allocate(HEADER + 14 + 20 + tcpLength);
        f.put((byte) VirtioNetHeader.F_NEEDS_CSUM).put((byte) VirtioNetHeader.GSO_TCPV4);
        f.put(le16(54)).put(le16(mss)).put(le16(34)).put(le16(16)).put(le16(0));
        ethernet(f);
        ipv4(f, 20 + tcpLength, ipId, 6);
        f.putShort((short) 40000).putShort((short) 5201).putInt((int) sequence).putInt(5000);
        f.put((byte) 0x50).put((byte) 0x18).putShort((short) 502);
        // Linux leaves the pseudo-header sum (not complemented) in the checksum field
        f.putShort((short) fold(pseudoHeader(6, tcpLength))).putShort((short) 0);
        f.put(payload);
        return f.array();
    }

    /** A UDP/IPv4 frame with checksum 0 (none, valid for IPv4) and a complete IPv4 header checksum. */
    private static byte[] udpFrame(int sourcePort, int payloadLength) {
        ByteBuffer f = ByteBuffer.allocate(14 + 20 + 8 + payloadLength);
        ethernet(f);
        ipv4(f, 20 + 8 + payloadLength, 7, 17);
        f.putShort((short) sourcePort).putShort((short) 5201).putShort((short) (8 + payloadLength)).putShort((short) 0);
        f.put(pattern(payloadLength));
        return f.array();
    }

    private static void ethernet(ByteBuffer f) {
        f.put(new byte[] {2, 0, 0, 0, 0, 2}).put(new byte[] {2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
    }

    private static void ipv4(ByteBuffer f, int totalLength, int id, int protocol) {
        int at = f.position();
        f.put((byte) 0x45).put((byte) 0).putShort((short) totalLength).putShort((short) id).putShort((short) 0x4000);
        f.put((byte) 64).put((byte) protocol).putShort((short) 0).putInt(0x0A000001).putInt(0x0A000002);
        long sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += f.getShort(at + i) & 0xFFFF;
        }
        f.putShort(at + 10, (short) ~fold(sum));
    }

    private static long pseudoHeader(int protocol, int length) {
        return 0x0A00 + 0x0001 + 0x0A00 + 0x0002 + protocol + length;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    private static byte[] le16(int value) {
        return new byte[] {(byte) value, (byte) (value >>> 8)};
    }

    private static byte[] vxlan(int vni) {
        return new byte[] {0x08, 0, 0, 0, (byte) (vni >>> 16), (byte) (vni >>> 8), (byte) vni, 0};
    }

    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 8));
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
