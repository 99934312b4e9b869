package io.vpclab.dataplane.offload;

import static io.vpclab.dataplane.offload.TestFrames.ACK;
import static io.vpclab.dataplane.offload.TestFrames.CWR;
import static io.vpclab.dataplane.offload.TestFrames.ETHERNET;
import static io.vpclab.dataplane.offload.TestFrames.FIN;
import static io.vpclab.dataplane.offload.TestFrames.PSH;
import static io.vpclab.dataplane.offload.TestFrames.RST;
import static io.vpclab.dataplane.offload.TestFrames.SYN;
import static io.vpclab.dataplane.offload.TestFrames.TCP_OFFSET;
import static io.vpclab.dataplane.offload.TestFrames.URG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Coalescing checked on the output bytes with {@link TestFrames}' independent checksum: what
 * merges, what must stay separate and in order, and the segment-then-coalesce round trip.
 */
class TcpCoalescerTest {

    private static final int MSS = 1448;
    private static final int HEADER = VirtioNetHeader.LENGTH;

    private final List<byte[]> out = new ArrayList<>();
    private final ByteBuf scratch = Unpooled.buffer(TcpCoalescer.scratchCapacity(VirtioNetHeader.LENGTH_V1));
    private TcpCoalescer coalescer = new TcpCoalescer(HEADER, scratch, frame -> out.add(TestFrames.readable(frame)));

    @AfterEach
    void releaseScratch() {
        scratch.release();
    }

    /** {@code count} full-checksum segments of one flow, MSS payload each, IDs and sequence numbers counting up. */
    private static List<byte[]> segments(TestFrames.Spec first, int count, int payloadLength) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TestFrames.Spec s = first.copy();
            s.sequence = (first.sequence + (long) i * payloadLength) & 0xFFFF_FFFFL;
            s.identification = (first.identification + i) & 0xFFFF;
            frames.add(TestFrames.frame(s, TestFrames.pattern(payloadLength, (int) s.sequence), true));
        }
        return frames;
    }

    private static byte[] segment(
            TestFrames.Spec spec, long sequence, int payloadLength, Consumer<TestFrames.Spec> change) {
        TestFrames.Spec s = spec.copy();
        s.sequence = sequence;
        change.accept(s);
        return TestFrames.frame(s, TestFrames.pattern(payloadLength, (int) sequence), true);
    }

    private void feed(List<byte[]> frames) {
        for (byte[] f : frames) {
            feed(f);
        }
    }

    private void feed(byte[] frame) {
        // in the middle of a larger buffer, as one frame of a decapsulated batch
        ByteBuf batch = TestFrames.buf(new byte[] {1, 2, 3}, frame, new byte[] {4});
        try {
            coalescer.add(batch, 3, frame.length);
        } finally {
            batch.release();
        }
    }

    private static byte[] frameOf(byte[] output) {
        return Arrays.copyOfRange(output, HEADER, output.length);
    }

    /** Asserts that {@code output} is one burst of {@code merged}: header fields, IPv4, partial TCP checksum, payload. */
    private static void assertBurst(byte[] output, List<byte[]> merged, int mss) {
        int headers = TCP_OFFSET + 32;
        assertThat(output[0]).as("flags").isEqualTo((byte) VirtioNetHeader.F_NEEDS_CSUM);
        assertThat(output[1]).as("gso_type").isEqualTo((byte) VirtioNetHeader.GSO_TCPV4);
        assertThat(TestFrames.le16(output, 2)).as("hdr_len").isEqualTo(headers);
        assertThat(TestFrames.le16(output, 4)).as("gso_size").isEqualTo(mss);
        assertThat(TestFrames.le16(output, 6)).as("csum_start").isEqualTo(TCP_OFFSET);
        assertThat(TestFrames.le16(output, 8)).as("csum_offset").isEqualTo(16);
        byte[] frame = frameOf(output);
        byte[] first = merged.get(0);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        merged.forEach(f -> payload.writeBytes(TestFrames.payload(f)));
        assertThat(TestFrames.ipTotalLength(frame))
                .isEqualTo(frame.length - ETHERNET)
                .isEqualTo(20 + 32 + payload.size());
        assertThat(TestFrames.ipv4ChecksumValid(frame)).isTrue();
        assertThat(TestFrames.ipId(frame)).isEqualTo(TestFrames.ipId(first));
        assertThat(TestFrames.sequence(frame)).isEqualTo(TestFrames.sequence(first));
        int tcpLength = frame.length - TCP_OFFSET;
        assertThat(TestFrames.u16(frame, TCP_OFFSET + 16))
                .as("partial checksum = folded pseudo-header sum")
                .isEqualTo(TestFrames.fold(TestFrames.pseudoHeaderSum(frame, ETHERNET, 6, tcpLength)));
        int flags = 0;
        for (byte[] f : merged) {
            flags |= TestFrames.tcpFlags(f);
        }
        assertThat(TestFrames.tcpFlags(frame)).isEqualTo(flags);
        assertThat(TestFrames.payload(frame)).isEqualTo(payload.toByteArray());
        // completing the checksum as the receiving stack does gives a valid segment
        byte[] completed = frame.clone();
        TestFrames.put16(
                completed,
                TCP_OFFSET + 16,
                TestFrames.complement(TestFrames.sum(completed, TCP_OFFSET, completed.length, 0)));
        assertThat(TestFrames.tcpChecksumValid(completed)).isTrue();
        // every other header byte is the first segment's
        byte[] expected = Arrays.copyOf(first, headers);
        byte[] actual = Arrays.copyOf(frame, headers);
        for (int field : new int[] {ETHERNET + 2, ETHERNET + 10, TCP_OFFSET + 16}) {
            expected[field] = actual[field];
            expected[field + 1] = actual[field + 1];
        }
        expected[TCP_OFFSET + 13] = actual[TCP_OFFSET + 13];
        assertThat(actual).isEqualTo(expected);
    }

    /** Asserts {@code output} is {@code frame} unchanged behind a GSO_NONE header with {@code flags}. */
    private static void assertSingle(byte[] output, byte[] frame, int flags) {
        assertThat(Arrays.copyOf(output, HEADER)).isEqualTo(TestFrames.virtio(HEADER, flags, 0, 0, 0, 0, 0));
        assertThat(frameOf(output)).isEqualTo(frame);
    }

    @Test
    void consecutiveSegmentsOfOneFlowBecomeOneBurst() {
        List<byte[]> frames = segments(new TestFrames.Spec(), 10, MSS);

        feed(frames);
        assertThat(out).as("nothing before the batch ends").isEmpty();
        coalescer.flush();

        assertThat(out).hasSize(1);
        assertBurst(out.get(0), frames, MSS);
        assertThat(coalescer.framesIn()).isEqualTo(10);
        assertThat(coalescer.framesOut()).isOne();
        assertThat(coalescer.burstsOut()).isOne();
    }

    @Test
    void aSingleSegmentIsPassedOnWithItsChecksumMarkedVerified() {
        List<byte[]> frames = segments(new TestFrames.Spec(), 1, MSS);

        feed(frames);
        coalescer.flush();
        coalescer.flush();

        assertThat(out).hasSize(1);
        assertSingle(out.get(0), frames.get(0), VirtioNetHeader.F_DATA_VALID);
        assertThat(coalescer.burstsOut()).isZero();
    }

    @Test
    void aMissingSegmentEndsTheBurst() {
        List<byte[]> frames = segments(new TestFrames.Spec(), 5, MSS);

        feed(List.of(frames.get(0), frames.get(1), frames.get(3), frames.get(4)));
        coalescer.flush();

        assertThat(out).hasSize(2);
        assertBurst(out.get(0), frames.subList(0, 2), MSS);
        assertBurst(out.get(1), frames.subList(3, 5), MSS);
    }

    @Test
    void outOfOrderSegmentsStaySeparateAndInArrivalOrder() {
        List<byte[]> frames = segments(new TestFrames.Spec(), 3, MSS);

        feed(List.of(frames.get(0), frames.get(2), frames.get(1)));
        coalescer.flush();

        assertThat(out).hasSize(3);
        assertSingle(out.get(0), frames.get(0), VirtioNetHeader.F_DATA_VALID);
        assertSingle(out.get(1), frames.get(2), VirtioNetHeader.F_DATA_VALID);
        assertSingle(out.get(2), frames.get(1), VirtioNetHeader.F_DATA_VALID);
    }

    @Test
    void interleavedFlowsStaySeparateAndOrdered() {
        TestFrames.Spec a = new TestFrames.Spec();
        TestFrames.Spec b = a.copy();
        b.sourcePort = 40001;
        List<byte[]> flowA = segments(a, 3, MSS);
        List<byte[]> flowB = segments(b, 2, MSS);

        feed(List.of(flowA.get(0), flowA.get(1), flowB.get(0), flowB.get(1), flowA.get(2)));
        coalescer.flush();

        assertThat(out).hasSize(3);
        assertBurst(out.get(0), flowA.subList(0, 2), MSS);
        assertBurst(out.get(1), flowB, MSS);
        assertSingle(out.get(2), flowA.get(2), VirtioNetHeader.F_DATA_VALID);
    }

    @ParameterizedTest
    @ValueSource(ints = {SYN, FIN, RST, URG, CWR})
    void aSegmentWithSynFinRstUrgOrCwrIsNeverMerged(int flag) {
        TestFrames.Spec spec = new TestFrames.Spec();
        List<byte[]> frames = segments(spec, 4, MSS);
        byte[] flagged = segment(spec, spec.sequence + 2L * MSS, MSS, s -> {
            s.flags |= flag;
            s.identification += 2;
        });

        feed(List.of(frames.get(0), frames.get(1), flagged));
        coalescer.flush();

        assertThat(out).hasSize(2);
        assertBurst(out.get(0), frames.subList(0, 2), MSS);
        assertSingle(out.get(1), flagged, VirtioNetHeader.F_DATA_VALID);
    }

    @Test
    void pshJoinsAndEndsTheBurst() {
        TestFrames.Spec spec = new TestFrames.Spec();
        List<byte[]> frames = new ArrayList<>(segments(spec, 4, MSS));
        frames.set(1, segment(spec, spec.sequence + MSS, MSS, s -> {
            s.flags |= PSH;
            s.identification += 1;
        }));

        feed(frames);
        coalescer.flush();

        assertThat(out).hasSize(2);
        assertBurst(out.get(0), frames.subList(0, 2), MSS);
        assertThat(TestFrames.tcpFlags(frameOf(out.get(0)))).isEqualTo(ACK | PSH);
        assertBurst(out.get(1), frames.subList(2, 4), MSS);
    }

    @Test
    void aShortSegmentJoinsAndEndsTheBurstAndALongerOneNeverJoins() {
        TestFrames.Spec spec = new TestFrames.Spec();
        List<byte[]> frames = new ArrayList<>(segments(spec, 2, MSS));
        byte[] shortOne = segment(spec, spec.sequence + 2L * MSS, 100, s -> s.identification += 2);
        byte[] next = segment(spec, spec.sequence + 2L * MSS + 100, MSS, s -> s.identification += 3);
        byte[] longer = segment(spec, spec.sequence + 3L * MSS + 100, MSS + 1, s -> s.identification += 4);
        frames.addAll(List.of(shortOne, next, longer));

        feed(frames);
        coalescer.flush();

        assertThat(out).hasSize(3);
        assertBurst(out.get(0), frames.subList(0, 3), MSS);
        assertSingle(out.get(1), next, VirtioNetHeader.F_DATA_VALID);
        assertSingle(out.get(2), longer, VirtioNetHeader.F_DATA_VALID);
    }

    @Test
    void aBurstStopsBelowTheIpv4LengthLimit() {
        List<byte[]> frames = segments(new TestFrames.Spec(), 50, MSS);
        int fit = (65535 - 20 - 32) / MSS;

        feed(frames);
        coalescer.flush();

        assertThat(fit).isEqualTo(45);
        assertThat(out).hasSize(2);
        assertBurst(out.get(0), frames.subList(0, fit), MSS);
        assertThat(TestFrames.ipTotalLength(frameOf(out.get(0)))).isLessThanOrEqualTo(65535);
        assertBurst(out.get(1), frames.subList(fit, 50), MSS);
    }

    @Test
    void headerDifferencesEndTheBurst() {
        List<Consumer<TestFrames.Spec>> changes = List.of(
                s -> s.acknowledgment += 1,
                s -> s.window -= 1,
                s -> s.ttl -= 1,
                s -> s.tos = 0x10,
                s -> s.dontFragment = false,
                s -> s.destinationIp += 1,
                s -> s.destinationPort += 1,
                s -> s.sourceMac += 1,
                s -> s.tcpOptions = TestFrames.concat(Arrays.copyOf(TestFrames.TIMESTAMPS, 11), new byte[] {0x7F}),
                s -> s.flags |= TestFrames.ECE);
        for (Consumer<TestFrames.Spec> change : changes) {
            out.clear();
            TestFrames.Spec spec = new TestFrames.Spec();
            List<byte[]> frames = segments(spec, 2, MSS);
            byte[] changed = segment(spec, spec.sequence + 2L * MSS, MSS, change.andThen(s -> s.identification += 2));

            feed(frames);
            feed(changed);
            coalescer.flush();

            assertThat(out).hasSize(2);
            assertBurst(out.get(0), frames, MSS);
            assertSingle(out.get(1), changed, VirtioNetHeader.F_DATA_VALID);
        }
    }

    @Test
    void withoutDontFragmentTheIpIdsMustCountUp() {
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.dontFragment = false;
        List<byte[]> frames = segments(spec, 2, MSS);
        byte[] sameId = segment(spec, spec.sequence + 2L * MSS, MSS, s -> s.identification += 1);

        feed(frames);
        feed(sameId);
        coalescer.flush();

        assertThat(out).hasSize(2);
        assertBurst(out.get(0), frames, MSS);

        // with DF a fixed ID is fine (Linux sends ID 0 with DF on some paths)
        out.clear();
        TestFrames.Spec df = new TestFrames.Spec();
        List<byte[]> fixedIds =
                List.of(segment(df, df.sequence, MSS, s -> {}), segment(df, df.sequence + MSS, MSS, s -> {}));
        feed(fixedIds);
        coalescer.flush();
        assertThat(out).hasSize(1);
        assertBurst(out.get(0), fixedIds, MSS);
    }

    @Test
    void aCorruptSegmentIsPassedOnUnverifiedAndUnmerged() {
        TestFrames.Spec spec = new TestFrames.Spec();
        List<byte[]> frames = segments(spec, 3, MSS);
        byte[] corrupt = frames.get(1).clone();
        corrupt[corrupt.length - 1] ^= 1;
        byte[] badIpHeader = frames.get(2).clone();
        badIpHeader[ETHERNET + 8] ^= 1;

        feed(List.of(frames.get(0), corrupt, badIpHeader));
        coalescer.flush();

        assertThat(out).hasSize(3);
        assertSingle(out.get(0), frames.get(0), VirtioNetHeader.F_DATA_VALID);
        assertSingle(out.get(1), corrupt, 0);
        assertSingle(out.get(2), badIpHeader, 0);
        assertThat(coalescer.checksumFailures()).isEqualTo(2);
    }

    @Test
    void segmentsWithAPartialChecksumMergeAndAreCountedApart() {
        TestFrames.Spec spec = new TestFrames.Spec();
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestFrames.Spec s = spec.copy();
            s.sequence += (long) i * MSS;
            s.identification += i;
            // what the kernel's vxlan over a veth sends: the pseudo-header sum, left for a NIC
            frames.add(TestFrames.frame(s, TestFrames.pattern(MSS, i), false));
        }
        assertThat(frames).noneMatch(TestFrames::tcpChecksumValid);

        feed(frames);
        coalescer.flush();

        assertThat(out).hasSize(1);
        assertBurst(out.get(0), frames, MSS);
        assertThat(coalescer.partialChecksums()).isEqualTo(3);
        assertThat(coalescer.checksumFailures()).isZero();
    }

    @Test
    void aLonePartialSegmentGoesOnAsNeedingItsChecksum() {
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] data = TestFrames.frame(spec, TestFrames.pattern(700, 1), false);
        TestFrames.Spec ackSpec = spec.copy();
        ackSpec.sequence += 700;
        byte[] pureAck = TestFrames.frame(ackSpec, new byte[0], false);

        feed(data);
        feed(pureAck);
        coalescer.flush();

        assertThat(out).hasSize(2);
        byte[] partialHeader = TestFrames.virtio(
                HEADER,
                VirtioNetHeader.F_NEEDS_CSUM,
                VirtioNetHeader.GSO_NONE,
                0,
                0,
                TCP_OFFSET,
                VirtioNetHeader.TCP_CSUM_OFFSET);
        for (int i = 0; i < 2; i++) {
            byte[] input = i == 0 ? data : pureAck;
            assertThat(Arrays.copyOf(out.get(i), HEADER)).isEqualTo(partialHeader);
            byte[] frame = frameOf(out.get(i));
            assertThat(frame).isEqualTo(input);
            TestFrames.put16(
                    frame, TCP_OFFSET + 16, TestFrames.complement(TestFrames.sum(frame, TCP_OFFSET, frame.length, 0)));
            assertThat(TestFrames.tcpChecksumValid(frame))
                    .as("completed as the header says")
                    .isTrue();
        }
        assertThat(coalescer.partialChecksums()).isEqualTo(2);
    }

    @Test
    void udpDatagramsGoOnWithWhatTheirChecksumSays() {
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] verified = TestFrames.udpFrame(spec, TestFrames.pattern(64, 1), true);
        byte[] partial = TestFrames.udpFrame(spec, TestFrames.pattern(64, 2), false);
        byte[] unchecked = TestFrames.udpFrame(spec, TestFrames.pattern(64, 3), true);
        TestFrames.put16(unchecked, TCP_OFFSET + 6, 0);
        byte[] corrupt = TestFrames.udpFrame(spec, TestFrames.pattern(64, 4), true);
        corrupt[corrupt.length - 1] ^= 0x10;

        feed(List.of(verified, partial, unchecked, corrupt));
        coalescer.flush();

        assertThat(out).hasSize(4);
        assertSingle(out.get(0), verified, VirtioNetHeader.F_DATA_VALID);
        assertThat(Arrays.copyOf(out.get(1), HEADER))
                .isEqualTo(TestFrames.virtio(
                        HEADER,
                        VirtioNetHeader.F_NEEDS_CSUM,
                        VirtioNetHeader.GSO_NONE,
                        0,
                        0,
                        TCP_OFFSET,
                        VirtioNetHeader.UDP_CSUM_OFFSET));
        byte[] completed = frameOf(out.get(1));
        assertThat(completed).isEqualTo(partial);
        TestFrames.put16(
                completed,
                TCP_OFFSET + 6,
                TestFrames.complement(TestFrames.sum(completed, TCP_OFFSET, completed.length, 0)));
        assertThat(TestFrames.udpChecksumValid(completed))
                .as("completed as the header says")
                .isTrue();
        assertSingle(out.get(2), unchecked, 0);
        assertSingle(out.get(3), corrupt, 0);
        assertThat(coalescer.partialChecksums()).isOne();
        assertThat(coalescer.checksumFailures()).isOne();
    }

    @Test
    void framesThatAreNotPlainIpv4TcpPassAsTheyAreInOrder() {
        TestFrames.Spec spec = new TestFrames.Spec();
        List<byte[]> frames = segments(spec, 4, MSS);
        byte[] arp = TestFrames.pattern(60, 1);
        TestFrames.put16(arp, 12, 0x0806);
        TestFrames.Spec udpSpec = spec.copy();
        udpSpec.protocol = 17;
        byte[] udp = TestFrames.frame(udpSpec, new byte[30], true);
        TestFrames.Spec withOptions = spec.copy();
        withOptions.ipOptions = new byte[] {1, 1, 1, 0};
        byte[] optioned = TestFrames.frame(withOptions, new byte[MSS], true);
        byte[] runt = Arrays.copyOf(frames.get(3), 40);

        feed(List.of(frames.get(0), frames.get(1), arp, udp, optioned, runt, frames.get(2), frames.get(3)));
        coalescer.flush();

        assertThat(out).hasSize(6);
        assertBurst(out.get(0), frames.subList(0, 2), MSS);
        assertSingle(out.get(1), arp, 0);
        assertSingle(out.get(2), udp, 0);
        assertSingle(out.get(3), optioned, 0);
        assertSingle(out.get(4), runt, 0);
        assertBurst(out.get(5), frames.subList(2, 4), MSS);
    }

    @Test
    void pureAcksAndEthernetPaddingArePassedOnVerified() {
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.tcpOptions = new byte[0];
        byte[] ack = TestFrames.frame(spec, new byte[0], true);
        byte[] padded = TestFrames.concat(ack, new byte[60 - ack.length]);

        feed(padded);
        coalescer.flush();

        assertThat(out).hasSize(1);
        assertSingle(out.get(0), padded, VirtioNetHeader.F_DATA_VALID);
    }

    @Test
    void theTwelveByteHeaderCarriesNumBuffersZero() {
        List<byte[]> frames = segments(new TestFrames.Spec(), 2, MSS);
        coalescer = new TcpCoalescer(VirtioNetHeader.LENGTH_V1, scratch, frame -> out.add(TestFrames.readable(frame)));

        feed(frames);
        coalescer.flush();

        assertThat(out).hasSize(1);
        byte[] output = out.get(0);
        assertThat(TestFrames.le16(output, 10)).isZero();
        assertBurst(
                TestFrames.concat(
                        Arrays.copyOf(output, HEADER),
                        Arrays.copyOfRange(output, VirtioNetHeader.LENGTH_V1, output.length)),
                frames,
                MSS);
    }

    @Test
    void rejectsCallerErrorsLoudly() {
        ByteBuf small = Unpooled.buffer(100);
        ByteBuf frame = Unpooled.buffer(10).writeZero(10);
        try {
            assertThatThrownBy(() -> new TcpCoalescer(HEADER, small, f -> {}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("scratch capacity");
            assertThatThrownBy(() -> coalescer.add(frame, 5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> coalescer.add(frame, -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        } finally {
            small.release();
            frame.release();
        }
    }

    /**
     * The property that ties both halves together: any burst, segmented for the wire and coalesced
     * again, comes back as the very bytes the TAP handed up (virtio header included).
     */
    @Test
    void segmentingThenCoalescingGivesBackTheOriginalBurst() {
        long seed = Long.getLong("prop.seed", 7L);
        SplittableRandom random = new SplittableRandom(seed);
        GsoSegmenter segmenter = new GsoSegmenter(HEADER);
        ByteBuf wire = Unpooled.buffer(70_000);
        try {
            for (int iteration = 0; iteration < 300; iteration++) {
                TestFrames.Spec spec = new TestFrames.Spec();
                spec.sequence = random.nextLong(1L << 32);
                spec.identification = random.nextInt(1 << 16);
                spec.acknowledgment = random.nextLong(1L << 32);
                spec.sourcePort = random.nextInt(1 << 16);
                spec.tos = random.nextInt(256);
                spec.flags = ACK | (random.nextBoolean() ? PSH : 0);
                spec.tcpOptions = random.nextBoolean() ? TestFrames.TIMESTAMPS : new byte[0];
                int mss = random.nextInt(200, 9000);
                int maxPayload = 65535 - 20 - spec.tcpHeaderLength();
                int payloadLength = random.nextInt(4) == 0
                        ? mss * random.nextInt(1, maxPayload / mss + 1)
                        : random.nextInt(1, maxPayload + 1);
                byte[] payload = TestFrames.pattern(payloadLength, random.nextInt());
                byte[] original = TestFrames.tsoInput(HEADER, spec, payload, mss);
                String context =
                        "seed " + seed + " iteration " + iteration + " mss " + mss + " payload " + payloadLength;

                ByteBuf input = Unpooled.wrappedBuffer(original);
                wire.clear();
                int count = segmenter.segment(input, wire, 8);
                input.release();
                out.clear();
                int at = 0;
                for (int i = 0; i < count; i++) {
                    int length = i == count - 1 ? segmenter.lastSegmentLength() : segmenter.segmentLength();
                    coalescer.add(wire, at + 8, length - 8);
                    at += length;
                }
                coalescer.flush();

                assertThat(out).as(context).hasSize(1);
                if (count > 1) {
                    assertThat(out.get(0)).as(context).isEqualTo(original);
                } else {
                    assertSingle(out.get(0), TestFrames.frame(spec, payload, true), VirtioNetHeader.F_DATA_VALID);
                }
            }
        } finally {
            wire.release();
        }
    }
}
