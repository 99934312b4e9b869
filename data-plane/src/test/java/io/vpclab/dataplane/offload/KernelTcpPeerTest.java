package io.vpclab.dataplane.offload;

import static io.vpclab.dataplane.offload.TestFrames.ACK;
import static io.vpclab.dataplane.offload.TestFrames.ETHERNET;
import static io.vpclab.dataplane.offload.TestFrames.PSH;
import static io.vpclab.dataplane.offload.TestFrames.RST;
import static io.vpclab.dataplane.offload.TestFrames.SYN;
import static io.vpclab.dataplane.offload.TestFrames.TCP_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.vpclab.dataplane.linux.Netns;
import io.vpclab.dataplane.tap.TapDevice;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Root only: the Linux TCP stack judges the codec. A TAP (plain, no virtio-net header) sits in a
 * private namespace where a socket listens; the test plays the other end of one TCP connection
 * by writing and reading raw frames. It sends a TSO burst cut by {@link GsoSegmenter} and the
 * kernel acknowledges every byte (so it accepted every checksum, length and sequence number) and
 * the listener reads exactly those bytes; then the kernel sends data, segmented by its own stack,
 * and {@link TcpCoalescer} merges those real segments into bursts that carry the same stream.
 */
class KernelTcpPeerTest {

    private static final int KERNEL_IP = 0x0afb_0001; // 10.251.0.1, in the namespace
    private static final int TEST_IP = 0x0afb_0002; // 10.251.0.2, played by this test
    private static final long KERNEL_MAC = 0x02_00_0a_fb_00_01L;
    private static final long TEST_MAC = 0x02_00_0a_fb_00_02L;
    private static final int PORT = 5201;
    private static final int MSS = 1448;
    private static final int UPLOAD = 30_000;
    private static final int DOWNLOAD = 60_000;

    private final String suffix =
            Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private final String namespace = "vlo" + suffix;
    private final String tapName = "vlo" + suffix;
    private final BlockingQueue<byte[]> fromKernel = new LinkedBlockingQueue<>();
    private MultiThreadIoEventLoopGroup group;
    private IoEventLoop loop;
    private TapDevice tap;

    @BeforeEach
    void createNamespaceWithTap() {
        assumeTrue(Epoll.isAvailable(), "TAP devices need Netty's epoll transport (Linux)");
        assumeTrue(Netns.isRoot(), "the kernel TCP peer test needs root (CAP_NET_ADMIN)");
        assumeTrue(TapDevice.isSupported(), "the kernel TCP peer test needs /dev/net/tun");
        Netns.run("ip", "netns", "add", namespace);
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = group.next();
        tap = TapDevice.open(tapName);
        tap.start(loop, frame -> {
            try {
                byte[] bytes = TestFrames.readable(frame);
                if (bytes.length >= TCP_OFFSET + 20
                        && TestFrames.u16(bytes, 12) == 0x0800
                        && bytes[ETHERNET + 9] == 6) {
                    fromKernel.add(bytes);
                }
            } finally {
                frame.release();
            }
        });
        Netns.moveInto(namespace, tapName, "02:00:0a:fb:00:01", "10.251.0.1/24");
        Netns.permanentNeighbour(namespace, "10.251.0.2", "02:00:0a:fb:00:02", tapName);
    }

    @AfterEach
    void deleteNamespace() {
        if (tap != null) {
            tap.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        Netns.runQuietly("ip", "netns", "del", namespace);
    }

    @Test
    void theKernelAcceptsSegmentedBurstsAndItsSegmentsCoalesce() throws Exception {
        byte[] upload = TestFrames.pattern(UPLOAD, 11);
        byte[] download = TestFrames.pattern(DOWNLOAD, 12);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        CountDownLatch finished = new CountDownLatch(1);
        ServerSocket listener = KernelTcpServer.listen(namespace, "10.251.0.1", PORT);
        Thread server = new Thread(
                () -> KernelTcpServer.serve(listener, upload.length, download, received, finished), "kernel-peer");
        server.start();
        try {
            TestFrames.Spec spec = new TestFrames.Spec();
            spec.destinationMac = KERNEL_MAC;
            spec.sourceMac = TEST_MAC;
            spec.sourceIp = TEST_IP;
            spec.destinationIp = KERNEL_IP;
            spec.sourcePort = 40000 + ThreadLocalRandom.current().nextInt(20000);
            spec.destinationPort = PORT;
            spec.sequence = ThreadLocalRandom.current().nextLong(1L << 32);
            spec.tcpOptions = new byte[0];

            // handshake: SYN with MSS 1460 and no other options, so segments carry no timestamps
            TestFrames.Spec syn = spec.copy();
            syn.flags = SYN;
            syn.acknowledgment = 0;
            syn.tcpOptions = new byte[] {2, 4, 0x05, (byte) 0xb4};
            send(TestFrames.frame(syn, new byte[0], true));
            byte[] synAck = next("the SYN-ACK", f -> (TestFrames.tcpFlags(f) & (SYN | ACK)) == (SYN | ACK));
            assertThat(TestFrames.u32(synAck, TCP_OFFSET + 8)).isEqualTo(spec.sequence + 1 & 0xFFFF_FFFFL);
            long kernelSequence = TestFrames.sequence(synAck) + 1 & 0xFFFF_FFFFL;
            spec.sequence = spec.sequence + 1 & 0xFFFF_FFFFL;
            spec.acknowledgment = kernelSequence;
            spec.flags = ACK;
            send(TestFrames.frame(spec, new byte[0], true));

            // upload: one TSO burst as a TAP hands it up, segmented for the wire
            TestFrames.Spec burst = spec.copy();
            burst.flags = ACK | PSH;
            burst.identification = 100;
            ByteBuf input = TestFrames.buf(TestFrames.tsoInput(VirtioNetHeader.LENGTH_V1, burst, upload, MSS));
            ByteBuf wire = Unpooled.directBuffer(UPLOAD + 30 * 100);
            try {
                GsoSegmenter segmenter = new GsoSegmenter(VirtioNetHeader.LENGTH_V1);
                int count = segmenter.segment(input, wire, 0);
                assertThat(count).isEqualTo((UPLOAD + MSS - 1) / MSS);
                int at = 0;
                for (int i = 0; i < count; i++) {
                    int length = i == count - 1 ? segmenter.lastSegmentLength() : segmenter.segmentLength();
                    ByteBuf segment = wire.retainedSlice(at, length);
                    loop.submit(() -> tap.write(segment)).syncUninterruptibly();
                    at += length;
                }
            } finally {
                input.release();
                wire.release();
            }
            long uploaded = spec.sequence + UPLOAD & 0xFFFF_FFFFL;
            // the acknowledgment may come on the kernel's first data segment: keep those for the download
            List<byte[]> early = new ArrayList<>();
            next("the acknowledgment of every uploaded byte", f -> {
                if (TestFrames.payload(f).length > 0) {
                    early.add(f);
                }
                return TestFrames.u32(f, TCP_OFFSET + 8) == uploaded;
            });
            assertThat(received.get(20, TimeUnit.SECONDS))
                    .as("what the listener read")
                    .isEqualTo(upload);
            spec.sequence = uploaded;

            // download: the kernel's own segments, acknowledged as they come, then coalesced
            List<byte[]> segments = new ArrayList<>();
            long expected = kernelSequence;
            long end = kernelSequence + DOWNLOAD & 0xFFFF_FFFFL;
            while (expected != end) {
                byte[] f = early.isEmpty()
                        ? next("the next data segment", frame -> TestFrames.payload(frame).length > 0)
                        : early.remove(0);
                segments.add(f);
                long sequence = TestFrames.sequence(f);
                if (sequence == expected) {
                    expected = expected + TestFrames.payload(f).length & 0xFFFF_FFFFL;
                }
                spec.acknowledgment = expected;
                send(TestFrames.frame(spec, new byte[0], true));
            }
            assertCoalescedStream(segments, kernelSequence, download);
        } finally {
            finished.countDown();
            listener.close();
            server.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    private static void assertCoalescedStream(List<byte[]> segments, long firstSequence, byte[] download) {
        assertThat(segments).allMatch(TestFrames::tcpChecksumValid);
        List<byte[]> out = new ArrayList<>();
        ByteBuf scratch = Unpooled.directBuffer(TcpCoalescer.scratchCapacity(VirtioNetHeader.LENGTH));
        try {
            TcpCoalescer coalescer =
                    new TcpCoalescer(VirtioNetHeader.LENGTH, scratch, f -> out.add(TestFrames.readable(f)));
            for (byte[] segment : segments) {
                ByteBuf buf = Unpooled.wrappedBuffer(segment);
                coalescer.add(buf, 0, segment.length);
                buf.release();
            }
            coalescer.flush();
            assertThat(coalescer.burstsOut())
                    .as("bursts from %d kernel segments", segments.size())
                    .isPositive();
            assertThat(out.size()).isLessThan(segments.size());
        } finally {
            scratch.release();
        }
        byte[] stream = new byte[download.length];
        for (byte[] output : out) {
            byte[] frame = Arrays.copyOfRange(output, VirtioNetHeader.LENGTH, output.length);
            if (output[1] == VirtioNetHeader.GSO_TCPV4) {
                // the checksum a receiving stack completes from the partial one verifies
                TestFrames.put16(
                        frame,
                        TCP_OFFSET + 16,
                        TestFrames.complement(TestFrames.sum(frame, TCP_OFFSET, frame.length, 0)));
                assertThat(TestFrames.le16(output, 4))
                        .as("gso_size: the kernel's MSS")
                        .isBetween(1, 1460);
            }
            assertThat(TestFrames.tcpChecksumValid(frame)).isTrue();
            assertThat(TestFrames.ipv4ChecksumValid(frame)).isTrue();
            long offset = TestFrames.sequence(frame) - firstSequence & 0xFFFF_FFFFL;
            byte[] payload = TestFrames.payload(frame);
            System.arraycopy(payload, 0, stream, (int) offset, payload.length);
        }
        assertThat(stream)
                .as("the stream put together from the coalesced output")
                .isEqualTo(download);
    }

    private void send(byte[] frame) {
        ByteBuf buf = Unpooled.directBuffer(frame.length).writeBytes(frame);
        loop.submit(() -> tap.write(buf)).syncUninterruptibly();
    }

    /** The next TCP frame from the kernel that matches, skipping others; fails after 20 s. */
    private byte[] next(String what, Predicate<byte[]> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            byte[] frame = fromKernel.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(frame).as("%s within 20 s", what).isNotNull();
            assertThat(TestFrames.tcpFlags(frame) & RST)
                    .as("the kernel reset the connection")
                    .isZero();
            if (wanted.test(frame)) {
                return frame;
            }
        }
    }
}
