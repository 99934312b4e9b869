package io.vpclab.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.port.InMemoryFrameDevice;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two tunnels over the in-memory underlay, plus datagrams injected from wherever a test likes. */
class PointToPointTunnelTest {

    private static final int VNI = 0xFFFFFF;
    private static final InetSocketAddress A = new InetSocketAddress("192.168.77.1", 4789);
    private static final InetSocketAddress B = new InetSocketAddress("192.168.77.2", 4789);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("192.168.77.9", 4789);
    /** Broadcast ARP-sized frame: dst ff.., src 02:00:00:00:00:01, type 0x0806, 28 bytes of body. */
    private static final byte[] FRAME = ByteBufUtil.decodeHexDump(
            "ffffffffffff" + "020000000001" + "0806" + "0001080006040001020000000001c0a80001000000000000c0a80002");

    private final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    private InMemoryUnderlay underlayA;
    private InMemoryUnderlay underlayB;
    private InMemoryFrameDevice deviceA;
    private InMemoryFrameDevice deviceB;
    private PointToPointTunnel tunnelA;
    private PointToPointTunnel tunnelB;

    @BeforeEach
    void start() {
        underlayA = hub.join(A);
        underlayB = hub.join(B);
        deviceA = new InMemoryFrameDevice("a");
        deviceB = new InMemoryFrameDevice("b");
        tunnelA = new PointToPointTunnel(deviceA, underlayA, VNI, B, 1500);
        tunnelB = new PointToPointTunnel(deviceB, underlayB, VNI, A, 1500);
        tunnelA.start();
        tunnelB.start();
    }

    @AfterEach
    void stop() {
        underlayA.close();
        underlayB.close();
    }

    @Test
    void carriesFramesBothWaysUnchanged() throws Exception {
        deviceA.inject(FRAME);
        underlayA.loop().execute(underlayA::flush);
        assertThat(deviceB.take(Duration.ofSeconds(5))).isEqualTo(FRAME);
        deviceB.inject(FRAME);
        underlayB.loop().execute(underlayB::flush);
        assertThat(deviceA.take(Duration.ofSeconds(5))).isEqualTo(FRAME);
        assertThat(tunnelA.counters().encapsulated()).isEqualTo(1);
        assertThat(tunnelA.counters().decapsulated()).isEqualTo(1);
    }

    @Test
    void encapsulatedHeaderIsFlagsIThenVniThenZero() {
        List<byte[]> atB = new CopyOnWriteArrayList<>();
        underlayB.close();
        InMemoryUnderlay raw = hub.join(B);
        try {
            raw.start((payload, sender) -> {
                atB.add(ByteBufUtil.getBytes(payload));
                payload.release();
            });
            deviceA.inject(FRAME);
            underlayA.loop().execute(underlayA::flush);
            await().atMost(Duration.ofSeconds(5)).until(() -> !atB.isEmpty());
            byte[] datagram = atB.get(0);
            // flags 0x08 (I), 24 reserved bits, VNI 0xFFFFFF, 8 reserved bits (RFC 7348 section 5)
            assertThat(ByteBufUtil.hexDump(datagram, 0, 8)).isEqualTo("08000000ffffff00");
            assertThat(ByteBufUtil.hexDump(datagram, 8, datagram.length - 8)).isEqualTo(ByteBufUtil.hexDump(FRAME));
        } finally {
            raw.close();
        }
    }

    @Test
    void dropsEachBadDatagramWithItsReason() throws Exception {
        inject(B, header(0x08, VNI - 1), FRAME);          // another VNI
        inject(STRANGER, header(0x08, VNI), FRAME);        // not the remote
        inject(B, header(0x00, VNI), FRAME);               // no I flag
        inject(B, header(0x08, VNI), new byte[13]);        // shorter than an Ethernet header
        await().atMost(Duration.ofSeconds(5)).until(() -> tunnelA.counters().runtDrops() == 1);
        assertThat(tunnelA.counters().wrongVniDrops()).isEqualTo(1);
        assertThat(tunnelA.counters().unknownVtepDrops()).isEqualTo(1);
        assertThat(tunnelA.counters().noVniFlagDrops()).isEqualTo(1);
        assertThat(tunnelA.counters().decapsulated()).isZero();
        assertThat(deviceA.pending()).isZero();

        // reserved bits set are ignored on receive (RFC 7348 section 5)
        inject(B, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                FRAME);
        assertThat(deviceA.take(Duration.ofSeconds(5))).isEqualTo(FRAME);
    }

    @Test
    void dropsFramesLargerThanTheUnderlayCarriesAndRunts() {
        deviceA.inject(new byte[1500 - 50 + 14 + 1]);
        deviceA.inject(new byte[13]);
        await().atMost(Duration.ofSeconds(5)).until(() -> tunnelA.counters().oversizeDrops() == 1
                && tunnelA.counters().runtDrops() == 1);
        assertThat(tunnelA.counters().encapsulated()).isZero();
    }

    @Test
    void copiesFramesThatArriveWithoutHeadroom() throws Exception {
        deviceA.inject(Unpooled.wrappedBuffer(FRAME.clone()));
        underlayA.loop().execute(underlayA::flush);
        assertThat(deviceB.take(Duration.ofSeconds(5))).isEqualTo(FRAME);
    }

    private void inject(InetSocketAddress from, byte[] header, byte[] frame) {
        hub.inject(from, A, Unpooled.wrappedBuffer(header, frame));
    }

    private static byte[] header(int flags, int vni) {
        return new byte[] {(byte) flags, 0, 0, 0, (byte) (vni >>> 16), (byte) (vni >>> 8), (byte) vni, 0};
    }
}
