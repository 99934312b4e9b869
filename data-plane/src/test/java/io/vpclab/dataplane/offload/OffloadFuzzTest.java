package io.vpclab.dataplane.offload;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Both codecs over arbitrary bytes: the segmenter either refuses with a reason and writes nothing,
 * or writes segments whose checksums verify (TCP or UDP, by gso_type); the coalescer never throws, emits no more frames than
 * it was given, and every frame it emits is well formed. Buffers come from the pooled allocator and
 * are released here, so paranoid leak detection sees any buffer the codec might keep.
 */
class OffloadFuzzTest {

    private static final int GAP = 8;

    @FuzzTest(maxDuration = "10s")
    void segmenterWritesVerifiableSegmentsOrRefuses(byte[] data) {
        int virtioLength = VirtioNetHeader.LENGTH;
        ByteBuf input =
                ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, data.length)).writeBytes(data);
        ByteBuf destination = ByteBufAllocator.DEFAULT.directBuffer(256);
        destination.writeByte(0x77);
        try {
            GsoSegmenter segmenter = new GsoSegmenter(virtioLength);
            int count = segmenter.segment(input, destination, GAP);

            assertThat(input.readerIndex()).isZero();
            assertThat(input.writerIndex()).isEqualTo(data.length);
            if (count == 0) {
                assertThat(segmenter.lastRefusal()).isNotNull();
                assertThat(destination.writerIndex()).isOne();
                return;
            }
            assertThat(destination.writerIndex())
                    .isEqualTo(1 + (count - 1) * segmenter.segmentLength() + segmenter.lastSegmentLength());
            int gsoType = VirtioNetHeader.gsoType(input, 0);
            if (gsoType != VirtioNetHeader.GSO_NONE) {
                int at = 1;
                for (int i = 0; i < count; i++) {
                    int length = i == count - 1 ? segmenter.lastSegmentLength() : segmenter.segmentLength();
                    byte[] frame = TestFrames.bytes(destination, at + GAP, length - GAP);
                    assertThat(TestFrames.ipv4ChecksumValid(frame)).isTrue();
                    assertThat(
                                    gsoType == VirtioNetHeader.GSO_UDP_L4
                                            ? TestFrames.udpChecksumValid(frame)
                                            : TestFrames.tcpChecksumValid(frame))
                            .isTrue();
                    at += length;
                }
            }
        } finally {
            input.release();
            destination.release();
        }
    }

    /**
     * {@code data} is a batch: frames of {@code [length high byte, length low byte, bytes...]}; the
     * last may be cut short.
     */
    @FuzzTest(maxDuration = "10s")
    void coalescerEmitsWellFormedFramesAndNeverMoreThanItGot(byte[] data) {
        ByteBuf batch =
                ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, data.length)).writeBytes(data);
        ByteBuf scratch = ByteBufAllocator.DEFAULT.directBuffer(TcpCoalescer.scratchCapacity(VirtioNetHeader.LENGTH));
        List<byte[]> out = new ArrayList<>();
        try {
            TcpCoalescer coalescer =
                    new TcpCoalescer(VirtioNetHeader.LENGTH, scratch, frame -> out.add(TestFrames.readable(frame)));
            List<byte[]> in = new ArrayList<>();
            int at = 0;
            while (at + 2 <= data.length) {
                int length = Math.min(batch.getUnsignedShort(at), data.length - at - 2);
                coalescer.add(batch, at + 2, length);
                in.add(Arrays.copyOfRange(data, at + 2, at + 2 + length));
                at += 2 + length;
            }
            coalescer.flush();

            assertThat(coalescer.framesIn()).isEqualTo(in.size());
            assertThat(out.size()).isEqualTo(coalescer.framesOut()).isLessThanOrEqualTo(in.size());
            for (byte[] output : out) {
                assertWellFormed(output);
            }
        } finally {
            batch.release();
            scratch.release();
        }
    }

    /** Does what the receiving stack does for NEEDS_CSUM, with the reference sum, up to the IPv4 end. */
    private static void completeChecksum(byte[] output, byte[] frame) {
        int csumStart = TestFrames.le16(output, 6);
        int field = csumStart + TestFrames.le16(output, 8);
        int end = TestFrames.ETHERNET + TestFrames.ipTotalLength(frame);
        TestFrames.put16(frame, field, TestFrames.complement(TestFrames.sum(frame, csumStart, end, 0)));
    }

    private static void assertWellFormed(byte[] output) {
        byte[] frame = Arrays.copyOfRange(output, VirtioNetHeader.LENGTH, output.length);
        int gsoType = output[1] & 0xFF;
        int flags = output[0] & 0xFF;
        if (gsoType == VirtioNetHeader.GSO_NONE) {
            assertThat(flags).isIn(0, VirtioNetHeader.F_DATA_VALID, VirtioNetHeader.F_NEEDS_CSUM);
            if (flags != 0) {
                assertThat(TestFrames.ipv4ChecksumValid(frame)).isTrue();
            }
            if (flags == VirtioNetHeader.F_NEEDS_CSUM) {
                completeChecksum(output, frame);
            }
            if (flags != 0) {
                boolean udp = frame[TestFrames.ETHERNET + 9] == 17;
                assertThat(udp ? TestFrames.udpChecksumValid(frame) : TestFrames.tcpChecksumValid(frame))
                        .isTrue();
            }
            return;
        }
        assertThat(gsoType).isEqualTo(VirtioNetHeader.GSO_TCPV4);
        assertThat(flags).isEqualTo(VirtioNetHeader.F_NEEDS_CSUM);
        assertThat(TestFrames.ipTotalLength(frame))
                .isEqualTo(frame.length - TestFrames.ETHERNET)
                .isLessThanOrEqualTo(65535);
        assertThat(TestFrames.ipv4ChecksumValid(frame)).isTrue();
        completeChecksum(output, frame);
        assertThat(TestFrames.tcpChecksumValid(frame)).isTrue();
        assertThat(TestFrames.payload(frame)).hasSizeGreaterThan(TestFrames.le16(output, 4));
    }
}
