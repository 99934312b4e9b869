package io.vpclab.dataplane.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import io.vpclab.dataplane.packet.Checksums;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fast sums against {@link TestFrames}' byte-at-a-time RFC 1071 reference. */
class ChecksumsTest {

    private static final long SEED = Long.getLong("prop.seed", 1071L);

    @Test
    void theRfc1071ExampleSumsAsTheRfcSays() {
        // RFC 1071 s3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (one's complement, folded)
        ByteBuf buf = Unpooled.wrappedBuffer(
                new byte[] {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7});
        try {
            assertThat(Checksums.fold(Checksums.sum(buf, 0, 8, 0))).isEqualTo(0xddf2);
            assertThat(Checksums.finish(Checksums.sum(buf, 0, 8, 0))).isEqualTo(~0xddf2 & 0xFFFF);
        } finally {
            buf.release();
        }
    }

    /** The three ways {@link Checksums#sum} reads: direct memory, a heap array (at an array offset), getLong. */
    enum Kind {
        DIRECT,
        HEAP_SLICE,
        COMPOSITE;

        ByteBuf of(byte[] bytes) {
            return switch (this) {
                case DIRECT -> Unpooled.directBuffer(bytes.length).writeBytes(bytes);
                case HEAP_SLICE ->
                    Unpooled.wrappedBuffer(TestFrames.concat(new byte[3], bytes))
                            .slice(3, bytes.length);
                case COMPOSITE ->
                    Unpooled.wrappedBuffer(
                            Unpooled.wrappedBuffer(Arrays.copyOf(bytes, 1001)),
                            Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 1001, bytes.length)));
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void sumMatchesTheReferenceAtEveryOffsetAndLength(Kind kind) {
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] bytes = TestFrames.pattern(70_000, 3);
        ByteBuf buf = kind.of(bytes);
        assertThat(buf.hasMemoryAddress() || buf.hasArray()).isEqualTo(kind != Kind.COMPOSITE);
        try {
            // short lengths exercise every tail; a few long ones the carries (paranoid leak detection
            // makes each access of the direct buffer slow, so the long ones stay few)
            for (int i = 0; i < 600; i++) {
                int offset = random.nextInt(64);
                int length = i < 40 ? i : i % 50 == 0 ? random.nextInt(bytes.length - offset) : random.nextInt(2000);
                long initial = random.nextInt(1 << 20);
                long expected = TestFrames.sum(bytes, offset, offset + length, initial);
                long actual = Checksums.sum(buf, offset, length, initial);
                assertThat(Checksums.fold(actual))
                        .as("offset %d length %d", offset, length)
                        .isEqualTo(TestFrames.fold(expected));
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void aRangeOutsideTheBufferOrAReleasedBufferThrows() {
        ByteBuf buf = Unpooled.directBuffer(16).writeZero(16);
        assertThatThrownBy(() -> Checksums.sum(buf, 10, 7, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Checksums.sum(buf, -1, 2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Checksums.sum(buf, 0, -1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(Checksums.sum(buf, 16, 0, 5)).isEqualTo(5);
        buf.release();
        assertThatThrownBy(() -> Checksums.sum(buf, 0, 8, 0)).isInstanceOf(IllegalReferenceCountException.class);
    }

    @Test
    void rangesChainWhenTheSplitIsEven() {
        byte[] bytes = TestFrames.pattern(1001, 4);
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            int whole = Checksums.fold(Checksums.sum(buf, 0, 1001, 0));
            for (int split = 0; split <= 1000; split += 2) {
                long chained = Checksums.sum(buf, split, 1001 - split, Checksums.sum(buf, 0, split, 0));
                assertThat(Checksums.fold(chained)).isEqualTo(whole);
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void foldHandlesTheLargestSums() {
        assertThat(Checksums.fold(0)).isZero();
        assertThat(Checksums.fold(0xFFFF)).isEqualTo(0xFFFF);
        assertThat(Checksums.fold(0x1_0000)).isOne();
        assertThat(Checksums.fold(Long.MAX_VALUE)).isEqualTo(TestFrames.fold(Long.MAX_VALUE));
        assertThat(Checksums.fold(-1L))
                .as("2^64 - 1, read unsigned")
                .isEqualTo(TestFrames.fold(-1L))
                .isEqualTo(0xFFFF);
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 1000; i++) {
            long sum = random.nextLong(1L << 50);
            assertThat(Checksums.fold(sum)).isEqualTo(TestFrames.fold(sum));
        }
        assertThat(Checksums.verifies(0xFFFF)).isTrue();
        assertThat(Checksums.verifies(0x1FFFE)).isTrue();
        assertThat(Checksums.verifies(0xFFFE)).isFalse();
    }

    @Test
    void pseudoHeaderSumMatchesTheWrittenOutHeader() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 1000; i++) {
            byte[] frame = new byte[TestFrames.ETHERNET + 20];
            int source = random.nextInt();
            int destination = random.nextInt();
            int protocol = random.nextBoolean() ? 6 : 17;
            int length = random.nextInt(65536);
            TestFrames.put32(frame, TestFrames.ETHERNET + 12, source);
            TestFrames.put32(frame, TestFrames.ETHERNET + 16, destination);
            assertThat(Checksums.fold(Checksums.pseudoHeaderSum(source, destination, protocol, length)))
                    .isEqualTo(
                            TestFrames.fold(TestFrames.pseudoHeaderSum(frame, TestFrames.ETHERNET, protocol, length)));
        }
    }

    @Test
    void incrementalUpdatesEqualARecomputation() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 2000; i++) {
            byte[] data = TestFrames.pattern(40, random.nextInt());
            int field = 2 * random.nextInt(18);
            int checksum = TestFrames.complement(TestFrames.sum(data, 0, 40, 0));
            int oldValue = (int) TestFrames.u32(data, field);
            int newValue = i == 0 ? 0 : random.nextInt();
            TestFrames.put32(data, field, newValue);
            int recomputed = TestFrames.complement(TestFrames.sum(data, 0, 40, 0));

            int updated = Checksums.update32(checksum, oldValue, newValue);
            int updatedTwice = Checksums.update(
                    Checksums.update(checksum, oldValue >>> 16, newValue >>> 16), oldValue & 0xFFFF, newValue & 0xFFFF);
            assertThat(updated).isEqualTo(recomputed);
            assertThat(updatedTwice).isEqualTo(recomputed);
        }
    }

    @Test
    void completesAPartialChecksumInPlace() {
        byte[] bytes = TestFrames.pattern(1500, 5);
        bytes[100 + 16] = 0x12;
        bytes[100 + 17] = 0x34;
        ByteBuf buf = TestFrames.buf(new byte[7], bytes);
        try {
            assertThat(Checksums.completePartial(buf, 7, 1500, 100, 16)).isTrue();

            byte[] done = TestFrames.bytes(buf, 7, 1500);
            byte[] expected = bytes.clone();
            TestFrames.put16(expected, 116, TestFrames.complement(TestFrames.sum(bytes, 100, 1500, 0)));
            assertThat(done).isEqualTo(expected);
            // the receiver adds the pseudo-header sum (what the field held) to the data and gets all ones
            assertThat(TestFrames.fold(TestFrames.sum(done, 100, 1500, 0x1234))).isEqualTo(0xFFFF);
        } finally {
            buf.release();
        }
    }

    @Test
    void aZeroResultIsStoredAsAllOnes() {
        // data summing to 0xFFFF: the complement is 0, which UDP would read as "no checksum"
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, (byte) 0xFF, 0, 0});
        try {
            assertThat(Checksums.completePartial(buf, 0, 4, 0, 2)).isTrue();
            assertThat(buf.getUnsignedShort(2)).isEqualTo(0xFFFF);
        } finally {
            buf.release();
        }
    }

    @Test
    void refusesOffsetsOutsideTheFrameAndChangesNothing() {
        byte[] bytes = TestFrames.pattern(64, 6);
        ByteBuf buf = Unpooled.wrappedBuffer(bytes.clone());
        try {
            assertThat(Checksums.completePartial(buf, 0, 64, 50, 13)).isFalse();
            assertThat(Checksums.completePartial(buf, 0, 64, -1, 2)).isFalse();
            assertThat(Checksums.completePartial(buf, 0, 64, 2, -1)).isFalse();
            assertThat(Checksums.completePartial(buf, 10, 64, 0, 2)).isFalse();
            assertThat(Checksums.completePartial(buf, -1, 10, 0, 2)).isFalse();
            assertThat(TestFrames.readable(buf)).isEqualTo(bytes);
            assertThat(Checksums.completePartial(buf, 0, 64, 50, 12)).isTrue();
        } finally {
            buf.release();
        }
    }
}
