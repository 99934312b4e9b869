package io.vpclab.dataplane.offload;

import static io.vpclab.dataplane.offload.TestFrames.ACK;
import static io.vpclab.dataplane.offload.TestFrames.CWR;
import static io.vpclab.dataplane.offload.TestFrames.ECE;
import static io.vpclab.dataplane.offload.TestFrames.ETHERNET;
import static io.vpclab.dataplane.offload.TestFrames.FIN;
import static io.vpclab.dataplane.offload.TestFrames.PSH;
import static io.vpclab.dataplane.offload.TestFrames.TCP_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Segmentation checked field by field against {@link TestFrames}' byte-at-a-time reference: every
 * segment's lengths, IP ID, sequence number, flags and both checksums, and the payload put back
 * together.
 */
class GsoSegmenterTest {

    private static final int MSS = 1448;
    private static final int VXLAN_GAP = 8;

    /** One output segment, split from the destination for assertions. */
    private record Segment(byte[] gap, byte[] frame) {}

    private static List<Segment> split(
            ByteBuf destination, int start, int count, int gap, int segmentLength, int lastLength) {
        List<Segment> segments = new ArrayList<>();
        int at = start;
        for (int i = 0; i < count; i++) {
            int length = i == count - 1 ? lastLength : segmentLength;
            segments.add(new Segment(
                    TestFrames.bytes(destination, at, gap), TestFrames.bytes(destination, at + gap, length - gap)));
            at += length;
        }
        assertThat(at).as("segments fill the destination exactly").isEqualTo(destination.writerIndex());
        return segments;
    }

    private static List<Segment> segmentBurst(
            TestFrames.Spec spec, byte[] payload, int mss, int virtioLength, int gap) {
        GsoSegmenter segmenter = new GsoSegmenter(virtioLength);
        ByteBuf input = TestFrames.buf(TestFrames.tsoInput(virtioLength, spec, payload, mss));
        ByteBuf destination = Unpooled.buffer(16);
        try {
            int expected = Math.max(1, (payload.length + mss - 1) / mss);
            int count = segmenter.segment(input, destination, gap);
            assertThat(count).as("refusal: %s", segmenter.lastRefusal()).isEqualTo(expected);
            assertThat(input.readerIndex()).as("input indexes untouched").isZero();
            int headers = spec.headersLength();
            assertThat(segmenter.segmentLength()).isEqualTo(gap + headers + (count == 1 ? payload.length : mss));
            assertThat(segmenter.lastSegmentLength()).isEqualTo(gap + headers + payload.length - (count - 1) * mss);
            return split(destination, 0, count, gap, segmenter.segmentLength(), segmenter.lastSegmentLength());
        } finally {
            input.release();
            destination.release();
        }
    }

    private static void assertWireReady(List<Segment> segments, TestFrames.Spec spec, byte[] payload, int mss) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        byte[] original = TestFrames.frame(spec, payload, true);
        int headers = spec.headersLength();
        for (int i = 0; i < segments.size(); i++) {
            byte[] f = segments.get(i).frame();
            boolean last = i == segments.size() - 1;
            assertThat(segments.get(i).gap())
                    .as("gap %d zeroed", i)
                    .isEqualTo(new byte[segments.get(i).gap().length]);
            assertThat(TestFrames.ipv4ChecksumValid(f))
                    .as("IPv4 checksum of segment %d", i)
                    .isTrue();
            assertThat(TestFrames.tcpChecksumValid(f))
                    .as("TCP checksum of segment %d", i)
                    .isTrue();
            assertThat(TestFrames.ipTotalLength(f)).as("total length %d", i).isEqualTo(f.length - ETHERNET);
            assertThat(TestFrames.ipId(f)).as("IP ID %d", i).isEqualTo((spec.identification + i) & 0xFFFF);
            assertThat(TestFrames.sequence(f))
                    .as("sequence %d", i)
                    .isEqualTo((spec.sequence + (long) i * mss) & 0xFFFF_FFFFL);
            int expectedFlags = spec.flags & ~(last ? 0 : FIN | PSH) & ~(i == 0 ? 0 : CWR);
            assertThat(TestFrames.tcpFlags(f)).as("flags %d", i).isEqualTo(expectedFlags);
            if (!last) {
                assertThat(f.length).isEqualTo(headers + mss);
            }
            // everything else in the headers is the original's: MACs, TOS, TTL, DF, ports, ACK, window, options
            byte[] expectedHeaders = Arrays.copyOf(original, headers);
            byte[] actualHeaders = Arrays.copyOf(f, headers);
            for (int field : new int[] {ETHERNET + 2, ETHERNET + 4, ETHERNET + 10, TCP_OFFSET + 4, TCP_OFFSET + 16}) {
                expectedHeaders[field] = actualHeaders[field];
                expectedHeaders[field + 1] = actualHeaders[field + 1];
            }
            System.arraycopy(actualHeaders, TCP_OFFSET + 6, expectedHeaders, TCP_OFFSET + 6, 2);
            expectedHeaders[TCP_OFFSET + 13] = actualHeaders[TCP_OFFSET + 13];
            assertThat(actualHeaders).as("other header bytes of segment %d", i).isEqualTo(expectedHeaders);
            joined.writeBytes(TestFrames.payload(f));
        }
        assertThat(joined.toByteArray()).as("payload put back together").isEqualTo(payload);
    }

    @Test
    void splitsABurstIntoMssSegmentsWithAShortLastOne() {
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.flags = ACK | PSH;
        byte[] payload = TestFrames.pattern(10 * MSS + 333, 1);

        List<Segment> segments = segmentBurst(spec, payload, MSS, VirtioNetHeader.LENGTH, VXLAN_GAP);

        assertThat(segments).hasSize(11);
        assertThat(segments.get(10).frame()).hasSize(spec.headersLength() + 333);
        assertWireReady(segments, spec, payload, MSS);
    }

    @Test
    void anExactMultipleOfTheMssGivesEqualSegments() {
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] payload = TestFrames.pattern(4 * MSS, 2);
        GsoSegmenter segmenter = new GsoSegmenter(VirtioNetHeader.LENGTH);
        ByteBuf input = TestFrames.buf(TestFrames.tsoInput(VirtioNetHeader.LENGTH, spec, payload, MSS));
        ByteBuf destination = Unpooled.buffer();
        try {
            assertThat(segmenter.segment(input, destination, VXLAN_GAP)).isEqualTo(4);
            assertThat(segmenter.lastSegmentLength())
                    .isEqualTo(segmenter.segmentLength())
                    .isEqualTo(VXLAN_GAP + spec.headersLength() + MSS);
            assertThat(destination.readableBytes()).isEqualTo(4 * segmenter.segmentLength());
        } finally {
            input.release();
            destination.release();
        }
        assertWireReady(segmentBurst(spec, payload, MSS, VirtioNetHeader.LENGTH, VXLAN_GAP), spec, payload, MSS);
    }

    @Test
    void finAndPshGoOnlyOnTheLastSegmentAndCwrOnlyOnTheFirst() {
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.flags = ACK | PSH | FIN | CWR | ECE;
        byte[] payload = TestFrames.pattern(3 * MSS - 1, 3);

        List<Segment> segments = segmentBurst(spec, payload, MSS, VirtioNetHeader.LENGTH, VXLAN_GAP);

        assertThat(segments)
                .extracting(s -> TestFrames.tcpFlags(s.frame()))
                .containsExactly(ACK | CWR | ECE, ACK | ECE, ACK | ECE | PSH | FIN);
        assertWireReady(segments, spec, payload, MSS);
    }

    @Test
    void aFullSizedBurstWithTheV1HeaderAndNoGap() {
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] payload = TestFrames.pattern(65535 - 20 - spec.tcpHeaderLength(), 4);

        List<Segment> segments = segmentBurst(spec, payload, MSS, VirtioNetHeader.LENGTH_V1, 0);

        assertThat(segments).hasSize((payload.length + MSS - 1) / MSS);
        assertWireReady(segments, spec, payload, MSS);
    }

    @Test
    void sequenceNumbersAndIpIdsWrapAround() {
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.sequence = 0xFFFF_FFFFL - 1000;
        spec.identification = 0xFFFE;
        byte[] payload = TestFrames.pattern(5 * 500, 5);

        List<Segment> segments = segmentBurst(spec, payload, 500, VirtioNetHeader.LENGTH, VXLAN_GAP);

        assertThat(segments).extracting(s -> TestFrames.ipId(s.frame())).containsExactly(0xFFFE, 0xFFFF, 0, 1, 2);
        assertThat(TestFrames.sequence(segments.get(2).frame())).isEqualTo(0xFFFF_FFFFL - 1000 + 1000);
        assertThat(TestFrames.sequence(segments.get(3).frame())).isEqualTo(499);
        assertWireReady(segments, spec, payload, 500);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 536, 1447, 1448, 1449})
    void smallBurstsAndBurstsWithoutPayload(int payloadLength) {
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.flags = ACK | PSH;
        byte[] payload = TestFrames.pattern(payloadLength, payloadLength);

        List<Segment> segments = segmentBurst(spec, payload, MSS, VirtioNetHeader.LENGTH, VXLAN_GAP);

        assertWireReady(segments, spec, payload, MSS);
    }

    @Test
    void appendsAfterWhatTheDestinationAlreadyHoldsAndReadsTheInputFromItsReaderIndex() {
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] payload = TestFrames.pattern(2 * MSS + 10, 6);
        byte[] prefix = {9, 9, 9};
        ByteBuf input =
                TestFrames.buf(new byte[] {7, 7}, TestFrames.tsoInput(VirtioNetHeader.LENGTH, spec, payload, MSS));
        input.readerIndex(2);
        ByteBuf destination = Unpooled.buffer().writeBytes(prefix);
        GsoSegmenter segmenter = new GsoSegmenter(VirtioNetHeader.LENGTH);
        try {
            assertThat(segmenter.segment(input, destination, VXLAN_GAP)).isEqualTo(3);

            assertThat(TestFrames.bytes(destination, 0, 3)).isEqualTo(prefix);
            assertWireReady(
                    split(destination, 3, 3, VXLAN_GAP, segmenter.segmentLength(), segmenter.lastSegmentLength()),
                    spec,
                    payload,
                    MSS);
            assertThat(input.readerIndex()).isEqualTo(2);
            assertThat(segmenter.burstsSegmented()).isEqualTo(1);
            assertThat(segmenter.segmentsWritten()).isEqualTo(3);
        } finally {
            input.release();
            destination.release();
        }
    }

    @Test
    void completesThePartialChecksumOfASingleFrame() {
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] frame = TestFrames.frame(spec, TestFrames.pattern(777, 7), false);
        assertThat(TestFrames.tcpChecksumValid(frame))
                .as("input checksum is partial")
                .isFalse();
        ByteBuf input = TestFrames.buf(
                TestFrames.virtio(
                        VirtioNetHeader.LENGTH,
                        VirtioNetHeader.F_NEEDS_CSUM,
                        VirtioNetHeader.GSO_NONE,
                        0,
                        0,
                        TCP_OFFSET,
                        VirtioNetHeader.TCP_CSUM_OFFSET),
                frame);
        ByteBuf destination = Unpooled.buffer();
        GsoSegmenter segmenter = new GsoSegmenter(VirtioNetHeader.LENGTH);
        try {
            assertThat(segmenter.segment(input, destination, VXLAN_GAP)).isOne();

            byte[] out = TestFrames.bytes(destination, VXLAN_GAP, frame.length);
            assertThat(TestFrames.tcpChecksumValid(out)).isTrue();
            assertThat(Arrays.copyOf(out, TCP_OFFSET + 16)).isEqualTo(Arrays.copyOf(frame, TCP_OFFSET + 16));
            assertThat(segmenter.segmentLength())
                    .isEqualTo(segmenter.lastSegmentLength())
                    .isEqualTo(destination.readableBytes())
                    .isEqualTo(VXLAN_GAP + frame.length);
        } finally {
            input.release();
            destination.release();
        }
    }

    @Test
    void completesAPartialUdpChecksum() {
        // Ethernet + IPv4 + UDP(8) + 5 bytes; the UDP checksum field holds the pseudo-header sum.
        byte[] frame = new byte[ETHERNET + 20 + 8 + 5];
        TestFrames.put16(frame, 12, 0x0800);
        frame[ETHERNET] = 0x45;
        TestFrames.put16(frame, ETHERNET + 2, 20 + 13);
        frame[ETHERNET + 8] = 64;
        frame[ETHERNET + 9] = 17;
        TestFrames.put32(frame, ETHERNET + 12, 0x0a000001);
        TestFrames.put32(frame, ETHERNET + 16, 0x0a000002);
        int udp = ETHERNET + 20;
        TestFrames.put16(frame, udp, 1234);
        TestFrames.put16(frame, udp + 2, 53);
        TestFrames.put16(frame, udp + 4, 13);
        System.arraycopy(new byte[] {1, 2, 3, 4, 5}, 0, frame, udp + 8, 5);
        long pseudo = TestFrames.pseudoHeaderSum(frame, ETHERNET, 17, 13);
        TestFrames.put16(frame, udp + 6, TestFrames.fold(pseudo));
        ByteBuf input = TestFrames.buf(
                TestFrames.virtio(
                        VirtioNetHeader.LENGTH,
                        VirtioNetHeader.F_NEEDS_CSUM,
                        VirtioNetHeader.GSO_NONE,
                        0,
                        0,
                        udp,
                        VirtioNetHeader.UDP_CSUM_OFFSET),
                frame);
        ByteBuf destination = Unpooled.buffer();
        try {
            assertThat(new GsoSegmenter(VirtioNetHeader.LENGTH).segment(input, destination, 0))
                    .isOne();

            byte[] out = TestFrames.readable(destination);
            assertThat(TestFrames.fold(TestFrames.sum(out, udp, out.length, pseudo)))
                    .isEqualTo(0xFFFF);
        } finally {
            input.release();
            destination.release();
        }
    }

    @Test
    void copiesAFrameThatAsksNothingAsItIs() {
        byte[] arp = TestFrames.pattern(60, 8);
        TestFrames.put16(arp, 12, 0x0806);
        ByteBuf input = TestFrames.buf(new byte[VirtioNetHeader.LENGTH_V1], arp);
        ByteBuf destination = Unpooled.buffer();
        try {
            assertThat(new GsoSegmenter(VirtioNetHeader.LENGTH_V1).segment(input, destination, VXLAN_GAP))
                    .isOne();

            assertThat(TestFrames.readable(destination)).isEqualTo(TestFrames.concat(new byte[VXLAN_GAP], arp));
        } finally {
            input.release();
            destination.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1399, 1400, 5000, 5600})
    void cutsAUsoBurstIntoDatagramsWithTheirOwnLengthsAndChecksums(int payloadLength) {
        int gsoSize = 1400;
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.identification = 0xFFFF;
        byte[] payload = TestFrames.pattern(payloadLength, payloadLength);
        byte[] burst = TestFrames.concat(
                TestFrames.virtio(
                        VirtioNetHeader.LENGTH,
                        VirtioNetHeader.F_NEEDS_CSUM,
                        VirtioNetHeader.GSO_UDP_L4,
                        42,
                        gsoSize,
                        TCP_OFFSET,
                        VirtioNetHeader.UDP_CSUM_OFFSET),
                TestFrames.udpFrame(spec, payload, false));
        ByteBuf input = TestFrames.buf(burst);
        ByteBuf destination = Unpooled.buffer();
        GsoSegmenter segmenter = new GsoSegmenter(VirtioNetHeader.LENGTH);
        try {
            int count = segmenter.segment(input, destination, VXLAN_GAP);

            assertThat(count).isEqualTo((payloadLength + gsoSize - 1) / gsoSize);
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            List<Segment> segments =
                    split(destination, 0, count, VXLAN_GAP, segmenter.segmentLength(), segmenter.lastSegmentLength());
            for (int i = 0; i < count; i++) {
                byte[] f = segments.get(i).frame();
                int chunk = Math.min(gsoSize, payloadLength - i * gsoSize);
                assertThat(f).hasSize(42 + chunk);
                assertThat(TestFrames.ipTotalLength(f)).isEqualTo(28 + chunk);
                assertThat(TestFrames.u16(f, TCP_OFFSET + 4)).as("UDP length").isEqualTo(8 + chunk);
                assertThat(TestFrames.ipId(f)).isEqualTo((0xFFFF + i) & 0xFFFF);
                assertThat(TestFrames.ipv4ChecksumValid(f)).isTrue();
                assertThat(TestFrames.udpChecksumValid(f))
                        .as("UDP checksum %d", i)
                        .isTrue();
                assertThat(Arrays.copyOf(f, TCP_OFFSET + 4))
                        .isEqualTo(Arrays.copyOf(
                                TestFrames.udpFrame(
                                        withId(spec, (0xFFFF + i) & 0xFFFF), Arrays.copyOf(payload, chunk), true),
                                TCP_OFFSET + 4));
                joined.writeBytes(Arrays.copyOfRange(f, 42, f.length));
            }
            assertThat(joined.toByteArray()).isEqualTo(payload);
        } finally {
            input.release();
            destination.release();
        }
    }

    /**
     * RFC 768: a datagram whose checksum computes to 0 carries all ones (0 would mean "no checksum").
     * Two bytes of the first datagram are set to what its checksum was, which makes it compute to 0.
     */
    @Test
    void aUsoDatagramWhoseChecksumComputesToZeroCarriesAllOnes() {
        int gsoSize = 1000;
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] payload = TestFrames.pattern(2 * gsoSize, 3);
        payload[gsoSize - 2] = 0;
        payload[gsoSize - 1] = 0;
        int before = firstUdpChecksum(spec, payload, gsoSize);
        TestFrames.put16(payload, gsoSize - 2, before);

        int after = firstUdpChecksum(spec, payload, gsoSize);

        assertThat(after).as("computed 0, sent as all ones").isEqualTo(0xFFFF);
    }

    private static int firstUdpChecksum(TestFrames.Spec spec, byte[] payload, int gsoSize) {
        ByteBuf input = TestFrames.buf(TestFrames.usoInput(VirtioNetHeader.LENGTH, spec, payload, gsoSize));
        ByteBuf destination = Unpooled.buffer();
        try {
            assertThat(new GsoSegmenter(VirtioNetHeader.LENGTH).segment(input, destination, 0))
                    .isEqualTo(2);
            byte[] first = TestFrames.bytes(destination, 0, TCP_OFFSET + 8 + gsoSize);
            assertThat(TestFrames.udpChecksumValid(first)).isTrue();
            return TestFrames.u16(first, TCP_OFFSET + 6);
        } finally {
            input.release();
            destination.release();
        }
    }

    @Test
    void refusesAUsoBurstWhoseUdpLengthDisagrees() {
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] burst = TestFrames.concat(
                TestFrames.virtio(
                        VirtioNetHeader.LENGTH,
                        VirtioNetHeader.F_NEEDS_CSUM,
                        VirtioNetHeader.GSO_UDP_L4,
                        42,
                        1000,
                        TCP_OFFSET,
                        VirtioNetHeader.UDP_CSUM_OFFSET),
                TestFrames.udpFrame(spec, new byte[3000], false));
        assertRefused(withByte(burst, VirtioNetHeader.LENGTH + TCP_OFFSET + 5, 0x07), SegmentRefusal.BAD_LENGTH);
        assertRefused(Arrays.copyOf(burst, VirtioNetHeader.LENGTH + TCP_OFFSET + 7), SegmentRefusal.TRUNCATED);
    }

    private static TestFrames.Spec withId(TestFrames.Spec spec, int identification) {
        TestFrames.Spec copy = spec.copy();
        copy.identification = identification;
        return copy;
    }

    @Test
    void refusesIpv4OptionsWithTheirOwnReasonAndWritesNothing() {
        TestFrames.Spec spec = new TestFrames.Spec();
        spec.ipOptions = new byte[] {1, 1, 1, 0}; // NOP NOP NOP EOL
        assertRefused(
                TestFrames.tsoInput(VirtioNetHeader.LENGTH, spec, TestFrames.pattern(3000, 9), MSS),
                SegmentRefusal.IPV4_OPTIONS);
    }

    @Test
    void refusesEveryOtherMalformedBurstWithAClearReason() {
        TestFrames.Spec spec = new TestFrames.Spec();
        byte[] payload = TestFrames.pattern(3000, 10);
        byte[] good = TestFrames.tsoInput(VirtioNetHeader.LENGTH, spec, payload, MSS);

        assertRefused(Arrays.copyOf(good, 5), SegmentRefusal.TRUNCATED);
        assertRefused(Arrays.copyOf(good, VirtioNetHeader.LENGTH + ETHERNET + 30), SegmentRefusal.TRUNCATED);
        assertRefused(withByte(good, 1, VirtioNetHeader.GSO_TCPV6), SegmentRefusal.UNSUPPORTED_GSO_TYPE);
        assertRefused(withByte(good, 1, VirtioNetHeader.GSO_UDP), SegmentRefusal.UNSUPPORTED_GSO_TYPE);
        assertRefused(withByte(good, 1, VirtioNetHeader.GSO_UDP_L4), SegmentRefusal.WRONG_PROTOCOL);
        assertRefused(withByte(good, 1, 0x42), SegmentRefusal.UNSUPPORTED_GSO_TYPE);
        assertRefused(withByte(good, VirtioNetHeader.LENGTH + 12, 0x86), SegmentRefusal.NOT_IPV4);
        assertRefused(withByte(good, VirtioNetHeader.LENGTH + ETHERNET, 0x65), SegmentRefusal.NOT_IPV4);
        assertRefused(withByte(good, VirtioNetHeader.LENGTH + ETHERNET + 9, 17), SegmentRefusal.WRONG_PROTOCOL);
        assertRefused(withByte(good, VirtioNetHeader.LENGTH + ETHERNET + 6, 0x20), SegmentRefusal.FRAGMENT);
        assertRefused(withByte(good, VirtioNetHeader.LENGTH + ETHERNET, 0x44), SegmentRefusal.BAD_LENGTH);
        assertRefused(withByte(good, VirtioNetHeader.LENGTH + ETHERNET + 2, 0xFF), SegmentRefusal.BAD_LENGTH);
        assertRefused(withByte(good, VirtioNetHeader.LENGTH + TCP_OFFSET + 12, 0x40), SegmentRefusal.BAD_LENGTH);
        byte[] noGsoSize = good.clone();
        noGsoSize[4] = 0;
        noGsoSize[5] = 0;
        assertRefused(noGsoSize, SegmentRefusal.BAD_GSO_SIZE);
        byte[] badOffsets = withByte(good, 1, VirtioNetHeader.GSO_NONE);
        TestFrames.putLe16(badOffsets, 6, good.length - VirtioNetHeader.LENGTH - 17);
        assertRefused(badOffsets, SegmentRefusal.BAD_CHECKSUM_OFFSETS);
    }

    @Test
    void refusesWhenTheDestinationCannotHoldEverySegment() {
        TestFrames.Spec spec = new TestFrames.Spec();
        ByteBuf input =
                TestFrames.buf(TestFrames.tsoInput(VirtioNetHeader.LENGTH, spec, TestFrames.pattern(3000, 11), MSS));
        ByteBuf destination = Unpooled.buffer(64, 3000);
        GsoSegmenter segmenter = new GsoSegmenter(VirtioNetHeader.LENGTH);
        try {
            assertThat(segmenter.segment(input, destination, VXLAN_GAP)).isZero();
            assertThat(segmenter.lastRefusal()).isEqualTo(SegmentRefusal.DESTINATION_FULL);
            assertThat(destination.writerIndex()).isZero();
        } finally {
            input.release();
            destination.release();
        }
    }

    @Test
    void aSuccessClearsTheLastRefusalAndCountersAccumulate() {
        TestFrames.Spec spec = new TestFrames.Spec();
        TestFrames.Spec withOptions = spec.copy();
        withOptions.ipOptions = new byte[4];
        GsoSegmenter segmenter = new GsoSegmenter(VirtioNetHeader.LENGTH);
        ByteBuf bad = TestFrames.buf(TestFrames.tsoInput(VirtioNetHeader.LENGTH, withOptions, new byte[2000], MSS));
        ByteBuf good = TestFrames.buf(TestFrames.tsoInput(VirtioNetHeader.LENGTH, spec, new byte[2000], MSS));
        ByteBuf destination = Unpooled.buffer();
        try {
            segmenter.segment(bad, destination, 0);
            segmenter.segment(bad, destination, 0);
            assertThat(segmenter.refusals(SegmentRefusal.IPV4_OPTIONS)).isEqualTo(2);
            assertThat(segmenter.segment(good, destination, 0)).isEqualTo(2);
            assertThat(segmenter.lastRefusal()).isNull();
            assertThat(segmenter.refusals(SegmentRefusal.TRUNCATED)).isZero();
        } finally {
            bad.release();
            good.release();
            destination.release();
        }
    }

    @Test
    void rejectsConfigurationErrorsLoudly() {
        assertThatThrownBy(() -> new GsoSegmenter(11))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10 or 12");
        ByteBuf input = Unpooled.buffer(1);
        try {
            assertThatThrownBy(() -> new GsoSegmenter(10).segment(input, input, -1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("gap");
        } finally {
            input.release();
        }
    }

    private static byte[] withByte(byte[] bytes, int index, int value) {
        byte[] copy = bytes.clone();
        copy[index] = (byte) value;
        return copy;
    }

    private static void assertRefused(byte[] inputBytes, SegmentRefusal reason) {
        GsoSegmenter segmenter = new GsoSegmenter(VirtioNetHeader.LENGTH);
        ByteBuf input = Unpooled.wrappedBuffer(inputBytes);
        ByteBuf destination = Unpooled.buffer().writeBytes(new byte[] {1, 2});
        try {
            assertThat(segmenter.segment(input, destination, VXLAN_GAP))
                    .as(reason.name())
                    .isZero();
            assertThat(segmenter.lastRefusal()).isEqualTo(reason);
            assertThat(segmenter.refusals(reason)).isOne();
            assertThat(reason.reason()).isNotBlank();
            assertThat(destination.writerIndex()).as("nothing written").isEqualTo(2);
            assertThat(segmenter.segmentLength()).isZero();
        } finally {
            input.release();
            destination.release();
        }
    }
}
