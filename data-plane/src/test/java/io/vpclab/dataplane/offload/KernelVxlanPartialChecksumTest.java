package io.vpclab.dataplane.offload;

import static io.vpclab.dataplane.offload.TestFrames.ETHERNET;
import static io.vpclab.dataplane.offload.TestFrames.SYN;
import static io.vpclab.dataplane.offload.TestFrames.TCP_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.linux.Netns;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Root only: what the kernel's {@code vxlan} really puts on a veth. Its device and the veth both
 * claim checksum offload, so the inner TCP checksum leaves the host as the bare pseudo-header sum
 * (CHECKSUM_PARTIAL, for a NIC that a veth never is), and so does the UDP checksum. The coalescer
 * must recognise that and hand the frame on with NEEDS_CSUM, not as corrupt, or the receiving stack
 * drops it and TCP from a kernel peer never connects.
 */
class KernelVxlanPartialChecksumTest {

    private static final int VXLAN_PORT = 4789;

    private final String suffix =
            Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private final String kernelSide = "vlka" + suffix;
    private final String agentSide = "vlkb" + suffix;
    private Process connect;

    @BeforeEach
    void kernelVxlanOverAVeth() {
        assumeTrue(Netns.isRoot(), "the kernel vxlan test needs root (CAP_NET_ADMIN)");
        Netns.run("ip", "netns", "add", kernelSide);
        Netns.run("ip", "netns", "add", agentSide);
        Netns.vethBetween(kernelSide, "192.168.252.1/24", agentSide, "192.168.252.2/24");
        Netns.run(
                "ip",
                "-n",
                kernelSide,
                "link",
                "add",
                "vx0",
                "type",
                "vxlan",
                "id",
                "42",
                "dstport",
                String.valueOf(VXLAN_PORT),
                "remote",
                "192.168.252.2",
                "local",
                "192.168.252.1",
                "dev",
                kernelSide);
        Netns.run("ip", "-n", kernelSide, "addr", "add", "10.252.0.1/24", "dev", "vx0");
        Netns.run("ip", "-n", kernelSide, "link", "set", "vx0", "up");
        Netns.permanentNeighbour(kernelSide, "10.252.0.2", "02:00:0a:fc:00:02", "vx0");
    }

    @AfterEach
    void deleteNamespaces() {
        if (connect != null) {
            connect.destroyForcibly();
        }
        Netns.runQuietly("ip", "netns", "del", kernelSide);
        Netns.runQuietly("ip", "netns", "del", agentSide);
    }

    @Test
    void aKernelSynArrivesWithAPartialChecksumAndLeavesTheCoalescerNeedingIt() throws Exception {
        DatagramSocket socket = Netns.createIn(agentSide, () -> {
            DatagramSocket s =
                    new DatagramSocket(new InetSocketAddress(InetAddress.getByName("192.168.252.2"), VXLAN_PORT));
            s.setSoTimeout(10_000);
            return s;
        });
        try {
            // the kernel side connects through its vxlan: a SYN (and retries) go out over the veth
            connect = new ProcessBuilder(
                            "ip",
                            "netns",
                            "exec",
                            kernelSide,
                            "timeout",
                            "10",
                            "bash",
                            "-c",
                            "exec 3<>/dev/tcp/10.252.0.2/5201")
                    .redirectErrorStream(true)
                    .start();
            byte[] syn = nextInnerTcpFrame(socket);

            assertThat(TestFrames.tcpFlags(syn) & SYN).isEqualTo(SYN);
            assertThat(TestFrames.ipv4ChecksumValid(syn))
                    .as("the IPv4 header checksum is always complete")
                    .isTrue();
            assertThat(TestFrames.tcpChecksumValid(syn))
                    .as("the TCP checksum is not complete")
                    .isFalse();
            int tcpLength = TestFrames.ipTotalLength(syn) - 20;
            assertThat(TestFrames.u16(syn, TCP_OFFSET + 16))
                    .as("it is the bare pseudo-header sum")
                    .isEqualTo(TestFrames.fold(TestFrames.pseudoHeaderSum(syn, ETHERNET, 6, tcpLength)));

            List<byte[]> out = new ArrayList<>();
            ByteBuf scratch = Unpooled.directBuffer(TcpCoalescer.scratchCapacity(VirtioNetHeader.LENGTH_V1));
            ByteBuf frame = Unpooled.wrappedBuffer(syn);
            try {
                TcpCoalescer coalescer =
                        new TcpCoalescer(VirtioNetHeader.LENGTH_V1, scratch, f -> out.add(TestFrames.readable(f)));
                coalescer.add(frame, 0, syn.length);
                coalescer.flush();
                assertThat(coalescer.partialChecksums()).isOne();
                assertThat(coalescer.checksumFailures()).isZero();
            } finally {
                frame.release();
                scratch.release();
            }
            assertThat(out).hasSize(1);
            byte[] output = out.get(0);
            assertThat(Arrays.copyOf(output, VirtioNetHeader.LENGTH_V1))
                    .isEqualTo(TestFrames.virtio(
                            VirtioNetHeader.LENGTH_V1,
                            VirtioNetHeader.F_NEEDS_CSUM,
                            VirtioNetHeader.GSO_NONE,
                            0,
                            0,
                            TCP_OFFSET,
                            16));
            byte[] completed = Arrays.copyOfRange(output, VirtioNetHeader.LENGTH_V1, output.length);
            TestFrames.put16(
                    completed,
                    TCP_OFFSET + 16,
                    TestFrames.complement(TestFrames.sum(completed, TCP_OFFSET, ETHERNET + 20 + tcpLength, 0)));
            assertThat(TestFrames.tcpChecksumValid(completed))
                    .as("completed as the receiving stack will")
                    .isTrue();
        } finally {
            socket.close();
        }
    }

    @Test
    void aKernelUdpDatagramArrivesWithAPartialChecksumAndLeavesTheCoalescerNeedingIt() throws Exception {
        DatagramSocket socket = Netns.createIn(agentSide, () -> {
            DatagramSocket s =
                    new DatagramSocket(new InetSocketAddress(InetAddress.getByName("192.168.252.2"), VXLAN_PORT));
            s.setSoTimeout(10_000);
            return s;
        });
        try {
            connect = new ProcessBuilder(
                            "ip",
                            "netns",
                            "exec",
                            kernelSide,
                            "timeout",
                            "10",
                            "bash",
                            "-c",
                            "echo offload > /dev/udp/10.252.0.2/5201")
                    .redirectErrorStream(true)
                    .start();
            byte[] datagram = nextInnerFrame(socket, 17);
            int udpLength = TestFrames.ipTotalLength(datagram) - 20;
            assertThat(TestFrames.udpChecksumValid(datagram)).isFalse();
            assertThat(TestFrames.u16(datagram, TCP_OFFSET + 6))
                    .as("the bare pseudo-header sum")
                    .isEqualTo(TestFrames.fold(TestFrames.pseudoHeaderSum(datagram, ETHERNET, 17, udpLength)));

            List<byte[]> out = new ArrayList<>();
            ByteBuf scratch = Unpooled.directBuffer(TcpCoalescer.scratchCapacity(VirtioNetHeader.LENGTH_V1));
            ByteBuf frame = Unpooled.wrappedBuffer(datagram);
            try {
                TcpCoalescer coalescer =
                        new TcpCoalescer(VirtioNetHeader.LENGTH_V1, scratch, f -> out.add(TestFrames.readable(f)));
                coalescer.add(frame, 0, datagram.length);
                coalescer.flush();
                assertThat(coalescer.partialChecksums()).isOne();
            } finally {
                frame.release();
                scratch.release();
            }
            assertThat(out).hasSize(1);
            assertThat(Arrays.copyOf(out.get(0), VirtioNetHeader.LENGTH_V1))
                    .isEqualTo(TestFrames.virtio(
                            VirtioNetHeader.LENGTH_V1,
                            VirtioNetHeader.F_NEEDS_CSUM,
                            VirtioNetHeader.GSO_NONE,
                            0,
                            0,
                            TCP_OFFSET,
                            6));
            byte[] completed = Arrays.copyOfRange(out.get(0), VirtioNetHeader.LENGTH_V1, out.get(0).length);
            TestFrames.put16(
                    completed,
                    TCP_OFFSET + 6,
                    TestFrames.complement(TestFrames.sum(completed, TCP_OFFSET, TCP_OFFSET + udpLength, 0)));
            assertThat(TestFrames.udpChecksumValid(completed))
                    .as("completed as the receiving stack will")
                    .isTrue();
        } finally {
            socket.close();
        }
    }

    private static byte[] nextInnerTcpFrame(DatagramSocket socket) throws Exception {
        return nextInnerFrame(socket, 6);
    }

    /** Receives VXLAN datagrams until one carries an IPv4 frame of {@code protocol} (IPv6 chatter is skipped). */
    private static byte[] nextInnerFrame(DatagramSocket socket, int protocol) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        byte[] buffer = new byte[65536];
        while (System.nanoTime() < deadline) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                break;
            }
            byte[] inner = Arrays.copyOfRange(buffer, 8, packet.getLength());
            if (inner.length >= TCP_OFFSET + 8
                    && TestFrames.u16(inner, 12) == 0x0800
                    && inner[ETHERNET + 9] == protocol) {
                return inner;
            }
        }
        throw new AssertionError("no IPv4 frame of protocol " + protocol + " from the kernel's vxlan within 10 s");
    }
}
