package io.vpclab.dataplane.offload;

import static io.vpclab.dataplane.offload.TestFrames.ETHERNET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.LastErrorException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.linux.Netns;
import io.vpclab.dataplane.tap.TapOffloads;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Root only: USO bursts ({@code GSO_UDP_L4}) against the Linux UDP stack through a TAP with the
 * virtio-net header and TUN_F_USO4/USO6, both ways the pipeline uses them. A burst written whole
 * (as toward a local port with USO) reaches a socket in the namespace as every datagram; an
 * instance's one UDP_SEGMENT write is read as one burst, which the segmenter cuts into datagrams
 * whose checksums verify byte by byte. Skips where the kernel has no USO (before Linux 6.2).
 */
class KernelUsoTapTest {

    private static final int HEADER = VirtioNetHeader.LENGTH_V1;
    private static final int USO =
            TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4 | TapOffloads.TUN_F_USO4 | TapOffloads.TUN_F_USO6;
    private static final int GSO_SIZE = 1400;
    private static final int PORT = 5301;

    private final String suffix =
            Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private final String namespace = "vlu" + suffix;
    private final String tapName = "vlu" + suffix;
    private VnetTap tap;

    @BeforeEach
    void createNamespaceWithUsoTap() {
        assumeTrue(Netns.isRoot(), "the USO TAP test needs root (CAP_NET_ADMIN)");
        assumeTrue(new File("/dev/net/tun").exists(), "the USO TAP test needs /dev/net/tun");
        try {
            tap = new VnetTap(
                    tapName,
                    USO,
                    read -> read.length >= HEADER + ETHERNET + 20 + 8
                            && TestFrames.u16(read, HEADER + 12) == 0x0800
                            && read[HEADER + ETHERNET + 9] == 17);
        } catch (LastErrorException e) {
            assumeTrue(false, "the kernel refuses TUN_F_USO4/USO6 (Linux 6.2 or later has them): " + e);
        }
        Netns.run("ip", "netns", "add", namespace);
        Netns.moveInto(namespace, tapName, "02:00:0a:fc:00:01", "10.252.0.1/24");
        Netns.permanentNeighbour(namespace, "10.252.0.2", "02:00:0a:fc:00:02", tapName);
    }

    @AfterEach
    void deleteNamespace() throws InterruptedException {
        if (tap != null) {
            tap.close();
        }
        Netns.runQuietly("ip", "netns", "del", namespace);
    }

    @Test
    void aBurstWrittenWholeReachesTheSocketAsEveryDatagram() throws Exception {
        byte[] payload = TestFrames.pattern(20 * GSO_SIZE + 100, 31);
        try (DatagramSocket socket = Netns.createIn(namespace, () -> {
            DatagramSocket s = new DatagramSocket(null);
            s.setReceiveBufferSize(4 << 20);
            s.bind(new InetSocketAddress("10.252.0.1", PORT));
            s.setSoTimeout(5000);
            return s;
        })) {
            TestFrames.Spec spec = toKernel();
            byte[] burst = TestFrames.usoInput(HEADER, spec, payload, GSO_SIZE);

            assertThat(tap.write(burst)).as("one write of the whole burst").isEqualTo(burst.length);

            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            byte[] buffer = new byte[65536];
            for (int i = 0; i < 21; i++) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                assertThat(packet.getLength()).as("datagram %d", i).isEqualTo(i < 20 ? GSO_SIZE : 100);
                joined.write(buffer, 0, packet.getLength());
            }
            assertThat(joined.toByteArray()).isEqualTo(payload);
        }
    }

    @Test
    void anInstancesUdpSegmentWriteIsReadAsOneBurstThatCutsIntoValidDatagrams() throws Exception {
        assumeTrue(hasPython(), "python3 is not installed");
        int gsoSize = 1000;
        int length = 10 * gsoSize + 50;
        String sender = "import socket\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "s.setsockopt(17, 103, " + gsoSize + ")  # SOL_UDP, UDP_SEGMENT\n"
                + "s.sendto(bytes(i % 251 for i in range(" + length + ")), ('10.252.0.2', " + PORT + "))\n";

        Netns.run("ip", "netns", "exec", namespace, "python3", "-c", sender);

        byte[] read = tap.reads().poll(5, TimeUnit.SECONDS);
        assertThat(read).as("the burst read from the TAP").isNotNull();
        ByteBuf in = Unpooled.wrappedBuffer(read);
        assertThat(VirtioNetHeader.gsoType(in, 0)).as("one USO burst").isEqualTo(VirtioNetHeader.GSO_UDP_L4);
        assertThat(VirtioNetHeader.gsoSize(in, 0)).isEqualTo(gsoSize);
        ByteBuf out = Unpooled.buffer(2 * read.length);
        GsoSegmenter segmenter = new GsoSegmenter(HEADER);
        int count = segmenter.segment(in, out, 0);
        assertThat(count).as("refusal: %s", segmenter.lastRefusal()).isEqualTo(11);
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] frame = new byte[i == count - 1 ? segmenter.lastSegmentLength() : segmenter.segmentLength()];
            out.readBytes(frame);
            datagrams.add(frame);
        }
        byte[] expected = new byte[length];
        for (int i = 0; i < length; i++) {
            expected[i] = (byte) (i % 251);
        }
        assertThat(TestFrames.assertDatagramsAndJoin(datagrams, frame -> {})).isEqualTo(expected);
    }

    private static boolean hasPython() {
        try {
            Netns.run("python3", "-c", "pass");
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static TestFrames.Spec toKernel() {
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.destinationMac = 0x02_00_0a_fc_00_01L;
        spec.sourceMac = 0x02_00_0a_fc_00_02L;
        spec.sourceIp = 0x0afc_0002;
        spec.destinationIp = 0x0afc_0001;
        spec.sourcePort = 40000;
        spec.destinationPort = PORT;
        return spec;
    }
}
