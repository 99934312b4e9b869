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
import io.vpclab.dataplane.linux.Netns;
import java.io.File;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Root only: both codecs against the Linux TCP stack through a TAP with a virtio-net header and
 * TSO, the way the fast path uses them. The test plays one end of a TCP connection to a listener
 * in a namespace: 44 segments coalesced into one burst are written with one write and the kernel
 * acknowledges every byte; then the kernel's own TSO bursts (virtio header, partial checksum) are
 * cut by the segmenter into segments whose checksums verify and which carry the whole stream.
 */
class KernelVnetTapTest {

    private static final int KERNEL_IP = 0x0afd_0001; // 10.253.0.1, in the namespace
    private static final int TEST_IP = 0x0afd_0002; // 10.253.0.2, played by this test
    private static final int HEADER = VirtioNetHeader.LENGTH_V1;
    private static final int PORT = 5201;
    private static final int MSS = 1448;
    private static final int UPLOAD_SEGMENTS = 44;
    private static final int DOWNLOAD = 300_000;

    private final String suffix =
            Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private final String namespace = "vlv" + suffix;
    private final String tapName = "vlv" + suffix;
    private VnetTap tap;

    @BeforeEach
    void createNamespaceWithVnetTap() {
        assumeTrue(Netns.isRoot(), "the vnet TAP test needs root (CAP_NET_ADMIN)");
        assumeTrue(new File("/dev/net/tun").exists(), "the vnet TAP test needs /dev/net/tun");
        Netns.run("ip", "netns", "add", namespace);
        tap = new VnetTap(
                tapName,
                read -> read.length >= HEADER + TCP_OFFSET + 20
                        && TestFrames.u16(read, HEADER + 12) == 0x0800
                        && read[HEADER + ETHERNET + 9] == 6);
        Netns.moveInto(namespace, tapName, "02:00:0a:fd:00:01", "10.253.0.1/24");
        Netns.permanentNeighbour(namespace, "10.253.0.2", "02:00:0a:fd:00:02", tapName);
    }

    @AfterEach
    void deleteNamespace() throws InterruptedException {
        if (tap != null) {
            tap.close();
        }
        Netns.runQuietly("ip", "netns", "del", namespace);
    }

    @Test
    void theKernelTakesCoalescedBurstsAndItsTsoBurstsSegmentIntoTheWholeStream() throws Exception {
        byte[] upload = TestFrames.pattern(UPLOAD_SEGMENTS * MSS, 21);
        byte[] download = TestFrames.pattern(DOWNLOAD, 22);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        CountDownLatch finished = new CountDownLatch(1);
        ServerSocket listener = KernelTcpServer.listen(namespace, "10.253.0.1", PORT);
        Thread server = new Thread(
                () -> KernelTcpServer.serve(listener, upload.length, download, received, finished), "vnet-peer");
        server.start();
        try {
            TestFrames.Spec spec = new TestFrames.Spec();
            spec.destinationMac = 0x02_00_0a_fd_00_01L;
            spec.sourceMac = 0x02_00_0a_fd_00_02L;
            spec.sourceIp = TEST_IP;
            spec.destinationIp = KERNEL_IP;
            spec.sourcePort = 40000 + ThreadLocalRandom.current().nextInt(20000);
            spec.destinationPort = PORT;
            spec.sequence = ThreadLocalRandom.current().nextLong(1L << 32);
            spec.tcpOptions = new byte[0];

            TestFrames.Spec syn = spec.copy();
            syn.flags = SYN;
            syn.acknowledgment = 0;
            syn.tcpOptions = new byte[] {2, 4, 0x05, (byte) 0xb4};
            send(TestFrames.frame(syn, new byte[0], true));
            byte[] synAck = next("the SYN-ACK", f -> (TestFrames.tcpFlags(f) & (SYN | ACK)) == (SYN | ACK));
            long kernelSequence = TestFrames.sequence(synAck) + 1 & 0xFFFF_FFFFL;
            spec.sequence = spec.sequence + 1 & 0xFFFF_FFFFL;
            spec.acknowledgment = kernelSequence;
            spec.flags = ACK;
            send(TestFrames.frame(spec, new byte[0], true));

            uploadOneCoalescedBurst(spec, upload);
            long uploaded = spec.sequence + upload.length & 0xFFFF_FFFFL;
            List<byte[]> early = new ArrayList<>();
            // the acknowledgment may come on the kernel's first data burst: keep those for the download
            nextRead("the acknowledgment of every uploaded byte", read -> {
                byte[] f = frameOf(read);
                if (TestFrames.payload(f).length > 0) {
                    early.add(read);
                }
                return TestFrames.u32(f, TCP_OFFSET + 8) == uploaded;
            });
            assertThat(received.get(20, TimeUnit.SECONDS))
                    .as("what the listener read")
                    .isEqualTo(upload);
            spec.sequence = uploaded;

            downloadThroughTheSegmenter(spec, kernelSequence, download, early);
        } finally {
            finished.countDown();
            listener.close();
            server.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    private void uploadOneCoalescedBurst(TestFrames.Spec spec, byte[] upload) {
        List<byte[]> out = new ArrayList<>();
        ByteBuf scratch = Unpooled.directBuffer(TcpCoalescer.scratchCapacity(HEADER));
        try {
            TcpCoalescer coalescer = new TcpCoalescer(HEADER, scratch, f -> out.add(TestFrames.readable(f)));
            for (int i = 0; i < UPLOAD_SEGMENTS; i++) {
                TestFrames.Spec s = spec.copy();
                s.sequence = spec.sequence + (long) i * MSS & 0xFFFF_FFFFL;
                s.identification = 1000 + i;
                s.flags = i == UPLOAD_SEGMENTS - 1 ? ACK | PSH : ACK;
                byte[] frame = TestFrames.frame(s, Arrays.copyOfRange(upload, i * MSS, (i + 1) * MSS), true);
                ByteBuf buf = Unpooled.wrappedBuffer(frame);
                coalescer.add(buf, 0, frame.length);
                buf.release();
            }
            coalescer.flush();
            assertThat(coalescer.burstsOut()).isOne();
        } finally {
            scratch.release();
        }
        assertThat(out).hasSize(1);
        assertThat(tap.write(out.get(0))).as("one write of the whole burst").isEqualTo(out.get(0).length);
    }

    /** Reads the kernel's bursts, segments each, acknowledges what arrived, until the stream is whole. */
    private void downloadThroughTheSegmenter(
            TestFrames.Spec spec, long firstSequence, byte[] download, List<byte[]> early) throws InterruptedException {
        byte[] stream = new byte[download.length];
        long expected = firstSequence;
        long end = firstSequence + download.length & 0xFFFF_FFFFL;
        int multiSegmentBursts = 0;
        int segmentsChecked = 0;
        GsoSegmenter segmenter = new GsoSegmenter(HEADER);
        ByteBuf wire = Unpooled.directBuffer(80_000);
        try {
            while (expected != end) {
                byte[] read = early.isEmpty()
                        ? nextRead("the next data burst", r -> TestFrames.payload(frameOf(r)).length > 0)
                        : early.remove(0);
                ByteBuf input = Unpooled.wrappedBuffer(read);
                wire.clear();
                int count = segmenter.segment(input, wire, 0);
                input.release();
                assertThat(count).as("refusal: %s", segmenter.lastRefusal()).isPositive();
                if (count > 1) {
                    multiSegmentBursts++;
                    assertThat(read[1] & 0x7F).as("gso_type of a kernel burst").isEqualTo(VirtioNetHeader.GSO_TCPV4);
                }
                int at = 0;
                for (int i = 0; i < count; i++) {
                    int length = i == count - 1 ? segmenter.lastSegmentLength() : segmenter.segmentLength();
                    byte[] segment = TestFrames.bytes(wire, at, length);
                    at += length;
                    assertThat(TestFrames.ipv4ChecksumValid(segment)).isTrue();
                    assertThat(TestFrames.tcpChecksumValid(segment))
                            .as("segment %d of a %d-segment read", i, count)
                            .isTrue();
                    segmentsChecked++;
                    long sequence = TestFrames.sequence(segment);
                    byte[] payload = TestFrames.payload(segment);
                    System.arraycopy(
                            payload, 0, stream, (int) (sequence - firstSequence & 0xFFFF_FFFFL), payload.length);
                    if (sequence == expected) {
                        expected = expected + payload.length & 0xFFFF_FFFFL;
                    }
                }
                spec.acknowledgment = expected;
                send(TestFrames.frame(spec, new byte[0], true));
            }
        } finally {
            wire.release();
        }
        assertThat(stream).as("the stream put together from the segments").isEqualTo(download);
        assertThat(multiSegmentBursts)
                .as("TSO bursts among %d segments", segmentsChecked)
                .isPositive();
    }

    private void send(byte[] frame) {
        byte[] headerAndFrame = TestFrames.concat(new byte[HEADER], frame);
        assertThat(tap.write(headerAndFrame)).isEqualTo(headerAndFrame.length);
    }

    /** The frame (header stripped) of the next read whose frame matches. */
    private byte[] next(String what, Predicate<byte[]> wanted) throws InterruptedException {
        return frameOf(nextRead(what, read -> wanted.test(frameOf(read))));
    }

    private static byte[] frameOf(byte[] read) {
        return Arrays.copyOfRange(read, HEADER, read.length);
    }

    /** The next read (header included) that matches, skipping others; fails after 20 s. */
    private byte[] nextRead(String what, Predicate<byte[]> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            byte[] read = tap.reads().poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(read).as("%s within 20 s", what).isNotNull();
            assertThat(TestFrames.tcpFlags(frameOf(read)) & RST)
                    .as("the kernel reset the connection")
                    .isZero();
            if (wanted.test(read)) {
                return read;
            }
        }
    }
}
