package io.vpclab.dataplane.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VirtioNetHeaderTest {

    /** A header as a TAP hands up a TSO burst, field by field, little-endian. */
    static final byte[] TSO = {
        0x01, // flags: NEEDS_CSUM
        (byte) 0x81, // gso_type: TCPV4 | ECN
        0x42,
        0x00, // hdr_len 66
        (byte) 0xa8,
        0x05, // gso_size 1448
        0x22,
        0x00, // csum_start 34
        0x10,
        0x00, // csum_offset 16
        (byte) 0xff,
        (byte) 0x80 // num_buffers 0x80ff (12-byte form only)
    };

    @Test
    void readsAnAnnotatedHeaderLittleEndianAtAnOffset() {
        ByteBuf buf = TestFrames.buf(new byte[3], TSO);
        try {
            assertThat(VirtioNetHeader.flags(buf, 3)).isEqualTo(VirtioNetHeader.F_NEEDS_CSUM);
            assertThat(VirtioNetHeader.needsChecksum(buf, 3)).isTrue();
            assertThat(VirtioNetHeader.dataValid(buf, 3)).isFalse();
            assertThat(VirtioNetHeader.gsoType(buf, 3)).isEqualTo(0x81);
            assertThat(VirtioNetHeader.gsoProtocol(buf, 3)).isEqualTo(VirtioNetHeader.GSO_TCPV4);
            assertThat(VirtioNetHeader.hdrLen(buf, 3)).isEqualTo(66);
            assertThat(VirtioNetHeader.gsoSize(buf, 3)).isEqualTo(1448);
            assertThat(VirtioNetHeader.csumStart(buf, 3)).isEqualTo(34);
            assertThat(VirtioNetHeader.csumOffset(buf, 3)).isEqualTo(VirtioNetHeader.TCP_CSUM_OFFSET);
            assertThat(VirtioNetHeader.numBuffers(buf, 3)).isEqualTo(0x80ff);
            assertThat(VirtioNetHeader.describe(buf, 3)).contains("gso_type=129", "gso_size=1448", "csum_start=34");
            assertThat(buf.readerIndex()).isZero();
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {VirtioNetHeader.LENGTH, VirtioNetHeader.LENGTH_V1})
    void writeThenReadRoundTripsHighValues(int length) {
        ByteBuf buf = Unpooled.buffer(2 + length + 2).writeZero(2 + length + 2);
        buf.setByte(2 + length, 0x5A);
        try {
            VirtioNetHeader.write(buf, 2, length, 0xFF, 0x85, 0xFFFF, 0x8000, 0x8001, 0xFFFE);

            assertThat(VirtioNetHeader.flags(buf, 2)).isEqualTo(0xFF);
            assertThat(VirtioNetHeader.gsoType(buf, 2)).isEqualTo(0x85);
            assertThat(VirtioNetHeader.gsoProtocol(buf, 2)).isEqualTo(VirtioNetHeader.GSO_UDP_L4);
            assertThat(VirtioNetHeader.hdrLen(buf, 2)).isEqualTo(0xFFFF);
            assertThat(VirtioNetHeader.gsoSize(buf, 2)).isEqualTo(0x8000);
            assertThat(VirtioNetHeader.csumStart(buf, 2)).isEqualTo(0x8001);
            assertThat(VirtioNetHeader.csumOffset(buf, 2)).isEqualTo(0xFFFE);
            assertThat(TestFrames.bytes(buf, 2, 10))
                    .isEqualTo(TestFrames.virtio(10, 0xFF, 0x85, 0xFFFF, 0x8000, 0x8001, 0xFFFE));
            assertThat(buf.getByte(2 + length))
                    .as("nothing written past the header")
                    .isEqualTo((byte) 0x5A);
            if (length == VirtioNetHeader.LENGTH_V1) {
                assertThat(VirtioNetHeader.numBuffers(buf, 2)).isZero();
            }

            VirtioNetHeader.writeNone(buf, 2, length);
            assertThat(TestFrames.bytes(buf, 2, length)).isEqualTo(new byte[length]);
        } finally {
            buf.release();
        }
    }

    @Test
    void onlyTheTwoKernelLengthsAreAccepted() {
        assertThat(VirtioNetHeader.checkLength(10)).isEqualTo(10);
        assertThat(VirtioNetHeader.checkLength(12)).isEqualTo(12);
        for (int bad : new int[] {0, 11, 14, 20, -10}) {
            assertThatThrownBy(() -> VirtioNetHeader.checkLength(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("10 or 12")
                    .hasMessageContaining(String.valueOf(bad));
        }
    }

    @Test
    void fitsChecksAgainstTheWrittenBytes() {
        ByteBuf buf = Unpooled.buffer(64).writeZero(12);
        try {
            assertThat(VirtioNetHeader.fits(buf, 0, 12)).isTrue();
            assertThat(VirtioNetHeader.fits(buf, 2, 10)).isTrue();
            assertThat(VirtioNetHeader.fits(buf, 3, 10)).isFalse();
            assertThat(VirtioNetHeader.fits(buf, 1, 12)).isFalse();
            assertThat(VirtioNetHeader.fits(buf, -1, 10)).isFalse();
        } finally {
            buf.release();
        }
    }
}
