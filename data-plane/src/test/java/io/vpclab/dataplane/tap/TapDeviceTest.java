package io.vpclab.dataplane.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.vpclab.dataplane.linux.Netns;
import io.vpclab.dataplane.port.FrameDevice;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Root only: a TAP created here is moved into a private namespace whose kernel stack ARPs for
 * a neighbour through it; the test reads that request and answers it.
 */
class TapDeviceTest {

    private static final String KERNEL_IP = "10.250.0.1";
    private static final String PEER_IP = "10.250.0.2";
    private static final byte[] PEER_MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

    private final String suffix =
            Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private final String namespace = "vlt" + suffix;
    private final String tapName = "vlt" + suffix;
    private MultiThreadIoEventLoopGroup group;

    @BeforeEach
    void requireRootAndTun() {
        assumeTrue(Epoll.isAvailable(), "TAP devices need Netty's epoll transport (Linux)");
        assumeTrue(Netns.isRoot(), "TAP tests need root (CAP_NET_ADMIN)");
        assumeTrue(TapDevice.isSupported(), "TAP tests need /dev/net/tun");
        Netns.run("ip", "netns", "add", namespace);
        Netns.run("ip", "-n", namespace, "link", "set", "lo", "up");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void cleanUp() {
        if (group != null) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS)
                    .syncUninterruptibly();
        }
        Netns.runQuietly("ip", "netns", "del", namespace);
    }

    @Test
    void openQueuesGivesOneTapWithAQueuePerFdAndItGoesWithTheLastQueue() throws Exception {
        List<TapDevice> queues = TapDevice.openQueues(tapName, TapDevice.DEFAULT_MAX_FRAME, TapOffloads.TUN_F_CSUM, 2);
        try {
            assertThat(queues).hasSize(2).allSatisfy(q -> assertThat(q.name()).isEqualTo(tapName));
            java.nio.file.Path sysQueues = java.nio.file.Path.of("/sys/class/net", tapName, "queues");
            try (var entries = java.nio.file.Files.list(sysQueues)) {
                assertThat(entries.map(e -> e.getFileName().toString())).contains("rx-0", "rx-1", "tx-0", "tx-1");
            }
            assertThat(Netns.run("ip", "-d", "link", "show", "dev", tapName)).contains("multi_queue");
            queues.get(0).close();
            assertThat(Netns.run("ip", "link", "show", "dev", tapName)).contains(tapName);
        } finally {
            queues.forEach(TapDevice::close);
        }
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/sys/class/net", tapName)))
                .isFalse();
    }

    @Test
    void readsTheKernelsArpRequestWithHeadroomAndDeliversTheReply() {
        IoEventLoop loop = group.next();
        List<String> arpTargets = new CopyOnWriteArrayList<>();
        List<Integer> readerIndexes = new CopyOnWriteArrayList<>();
        List<Boolean> onLoop = new CopyOnWriteArrayList<>();
        byte[][] kernelMac = new byte[1][];
        try (TapDevice tap = TapDevice.open(tapName)) {
            tap.start(loop, frame -> {
                try {
                    int at = frame.readerIndex();
                    if (frame.readableBytes() >= 42
                            && frame.getUnsignedShort(at + 12) == 0x0806
                            && frame.getUnsignedShort(at + 20) == 1) {
                        readerIndexes.add(at);
                        onLoop.add(loop.inEventLoop());
                        kernelMac[0] = new byte[6];
                        frame.getBytes(at + 6, kernelMac[0]);
                        arpTargets.add(ipv4(frame, at + 38));
                    }
                } finally {
                    frame.release();
                }
            });
            // the fd stays attached when the device moves to another namespace
            Netns.moveInto(namespace, tapName, null, KERNEL_IP + "/24");
            // ping fails (nobody answers ICMP) but makes the kernel ARP through the TAP
            Netns.runQuietly("ip", "netns", "exec", namespace, "ping", "-c", "1", "-W", "1", PEER_IP);

            await().atMost(Duration.ofSeconds(10)).until(() -> arpTargets.contains(PEER_IP));
            assertThat(readerIndexes).allMatch(i -> i == FrameDevice.HEADROOM);
            assertThat(onLoop).containsOnly(true);
            assertThat(tap.counters().framesRead()).isPositive();

            ByteBuf reply = arpReply(kernelMac[0]);
            loop.submit(() -> tap.write(reply)).syncUninterruptibly();
            assertThat(reply.refCnt()).isZero();
            assertThat(tap.counters().framesWritten()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(Netns.run("ip", "-n", namespace, "neigh", "show", PEER_IP))
                            .contains("lladdr 02:00:00:00:00:02"));
        }
        // a TAP created by open() disappears with its fd
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !Netns.run("ip", "-n", namespace, "-o", "link").contains(tapName));
    }

    /**
     * With IFF_VNET_HDR every read starts with a 12-byte virtio-net header (an ARP request asks
     * for no offload: all zero) and a write takes one; the probe reports what the kernel offers.
     */
    @Test
    void aVnetTapReadsAndWritesFramesBehindAVirtioHeader() {
        IoEventLoop loop = group.next();
        List<String> arpTargets = new CopyOnWriteArrayList<>();
        List<String> headers = new CopyOnWriteArrayList<>();
        byte[][] kernelMac = new byte[1][];
        int wanted = TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4;
        try (TapDevice tap = TapDevice.openWithOffloads(tapName, TapDevice.DEFAULT_MAX_FRAME, wanted)) {
            assertThat(tap.offloads().vnetHeader()).isTrue();
            assertThat(tap.offloads().tunFlags()).isEqualTo(wanted);
            assertThat(tap.offloads().kernelFlags() & wanted).isEqualTo(wanted);
            assertThat(tap.offloads().describe()).startsWith("vnet_hdr=on csum=on tso4=on tso6=off");
            assertThatThrownBy(() -> tap.start(loop, ByteBuf::release))
                    .isInstanceOf(TapException.class)
                    .hasMessageContaining("startVnet");
            tap.startVnet(loop, headerAndFrame -> {
                int at = headerAndFrame.readerIndex() + TapOffloads.VNET_HEADER_BYTES;
                if (headerAndFrame.writerIndex() - at >= 42
                        && headerAndFrame.getUnsignedShort(at + 12) == 0x0806
                        && headerAndFrame.getUnsignedShort(at + 20) == 1) {
                    headers.add(io.netty.buffer.ByteBufUtil.hexDump(
                            headerAndFrame, headerAndFrame.readerIndex(), TapOffloads.VNET_HEADER_BYTES));
                    kernelMac[0] = new byte[6];
                    headerAndFrame.getBytes(at + 6, kernelMac[0]);
                    arpTargets.add(ipv4(headerAndFrame, at + 38));
                }
            });
            Netns.moveInto(namespace, tapName, null, KERNEL_IP + "/24");
            Netns.runQuietly("ip", "netns", "exec", namespace, "ping", "-c", "1", "-W", "1", PEER_IP);

            await().atMost(Duration.ofSeconds(10)).until(() -> arpTargets.contains(PEER_IP));
            assertThat(headers).allMatch(h -> h.equals("000000000000000000000000"));

            ByteBuf reply = arpReply(kernelMac[0]);
            ByteBuf withHeader = Unpooled.directBuffer(TapOffloads.VNET_HEADER_BYTES + reply.readableBytes())
                    .writeZero(TapOffloads.VNET_HEADER_BYTES)
                    .writeBytes(reply);
            reply.release();
            loop.submit(() -> tap.writeVnet(withHeader)).syncUninterruptibly();
            // the buffer stays the caller's: written, neither released nor moved
            assertThat(withHeader.refCnt()).isEqualTo(1);
            assertThat(withHeader.readerIndex()).isZero();
            withHeader.release();
            assertThat(tap.counters().framesWritten()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(Netns.run("ip", "-n", namespace, "neigh", "show", PEER_IP))
                            .contains("lladdr 02:00:00:00:00:02"));
        }
    }

    @Test
    void aVnetTapWithoutOffloadsAsksForNone() {
        try (TapDevice tap = TapDevice.openWithOffloads(tapName, TapDevice.DEFAULT_MAX_FRAME, 0)) {
            assertThat(tap.offloads().vnetHeader()).isTrue();
            assertThat(tap.offloads().tunFlags()).isZero();
            assertThat(tap.offloads().describe()).startsWith("vnet_hdr=on csum=off tso4=off");
        }
    }

    @Test
    void attachesToAnExistingPersistentTap() {
        Netns.run("ip", "-n", namespace, "tuntap", "add", "dev", tapName, "mode", "tap");
        Netns.run("ip", "-n", namespace, "link", "set", tapName, "netns", "1");
        try (TapDevice tap = TapDevice.open(tapName)) {
            assertThat(tap.name()).isEqualTo(tapName);
            assertThatThrownBy(() -> TapDevice.open(tapName))
                    .isInstanceOf(TapException.class)
                    .hasMessageContaining("EBUSY");
        } finally {
            Netns.runQuietly("ip", "link", "del", tapName);
        }
    }

    @Test
    void refusesALoopWithoutEpoll() {
        MultiThreadIoEventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (TapDevice tap = TapDevice.open(tapName)) {
            assertThatThrownBy(() -> tap.start(nio.next(), ByteBuf::release))
                    .isInstanceOf(TapException.class)
                    .hasMessageContaining("epoll");
        } finally {
            nio.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static ByteBuf arpReply(byte[] kernelMac) {
        ByteBuf frame = Unpooled.directBuffer(42);
        frame.writeBytes(kernelMac).writeBytes(PEER_MAC).writeShort(0x0806); // Ethernet
        frame.writeShort(1).writeShort(0x0800).writeByte(6).writeByte(4).writeShort(2); // ARP reply
        frame.writeBytes(PEER_MAC).writeBytes(ipv4Bytes(PEER_IP)); // sender
        frame.writeBytes(kernelMac).writeBytes(ipv4Bytes(KERNEL_IP)); // target
        return frame;
    }

    private static String ipv4(ByteBuf buf, int at) {
        return buf.getUnsignedByte(at) + "." + buf.getUnsignedByte(at + 1) + "." + buf.getUnsignedByte(at + 2) + "."
                + buf.getUnsignedByte(at + 3);
    }

    private static byte[] ipv4Bytes(String ip) {
        String[] parts = ip.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }
}
