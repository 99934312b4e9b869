package io.vpclab.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.offload.TestFrames;
import org.junit.jupiter.api.Test;

/**
 * {@link Ipv4#rewriteAddress} on complete and on partial ({@code NEEDS_CSUM}) TCP checksums,
 * checked by finishing and verifying with {@link TestFrames}' naive byte-at-a-time sums.
 */
class AddressRewriteTest {

    private static final int IP = Ethernet.HEADER_LENGTH;
    private static final int TCP = IP + Ipv4.MIN_HEADER_LENGTH;
    private static final int NEW_SOURCE = 0xCB00_7107; // 203.0.113.7
    private final TestFrames.Spec spec = new TestFrames.Spec();
    private final byte[] payload = TestFrames.pattern(3000, 7);

    @Test
    void aCompleteChecksumTakesRfc1624() {
        byte[] frame = TestFrames.frame(spec, payload, true);

        Ipv4.rewriteAddress(Unpooled.wrappedBuffer(frame), IP, Ipv4.SOURCE_OFFSET, NEW_SOURCE, false);

        assertThat(Unpooled.wrappedBuffer(frame).getInt(IP + 12)).isEqualTo(NEW_SOURCE);
        assertThat(TestFrames.ipv4ChecksumValid(frame)).isTrue();
        assertThat(TestFrames.tcpChecksumValid(frame)).isTrue();
    }

    @Test
    void aPartialChecksumKeepsThePseudoHeaderSumUncomplemented() {
        byte[] frame = TestFrames.frame(spec, payload, false);

        Ipv4.rewriteAddress(Unpooled.wrappedBuffer(frame), IP, Ipv4.SOURCE_OFFSET, NEW_SOURCE, true);

        assertThat(TestFrames.ipv4ChecksumValid(frame)).isTrue();
        spec.sourceIp = NEW_SOURCE;
        assertThat(fieldOf(frame))
                .as("the pseudo-header sum a stack would leave for the new source")
                .isEqualTo(fieldOf(TestFrames.frame(spec, payload, false)));
        TestFrames.finishPartialChecksum(frame, TCP);
        assertThat(TestFrames.tcpChecksumValid(frame))
                .as("finished as the receiving stack does")
                .isTrue();
    }

    @Test
    void theCompleteUpdateWouldCorruptAPartialChecksum() {
        byte[] frame = TestFrames.frame(spec, payload, false);

        Ipv4.rewriteAddress(Unpooled.wrappedBuffer(frame), IP, Ipv4.SOURCE_OFFSET, NEW_SOURCE, false);
        TestFrames.finishPartialChecksum(frame, TCP);

        assertThat(TestFrames.tcpChecksumValid(frame))
                .as("why the partial case needs its own rule")
                .isFalse();
    }

    @Test
    void aPartialChecksumIsToldFromACompleteOne() {
        assertThat(Ipv4.hasPartialL4Checksum(Unpooled.wrappedBuffer(TestFrames.frame(spec, payload, false)), IP))
                .isTrue();
        assertThat(Ipv4.hasPartialL4Checksum(Unpooled.wrappedBuffer(TestFrames.frame(spec, payload, true)), IP))
                .isFalse();
        assertThat(Ipv4.hasPartialL4Checksum(Unpooled.wrappedBuffer(TestFrames.udpFrame(spec, payload, false)), IP))
                .isTrue();
        assertThat(Ipv4.hasPartialL4Checksum(Unpooled.wrappedBuffer(TestFrames.udpFrame(spec, payload, true)), IP))
                .isFalse();
    }

    /** Once in 65536 a complete checksum equals the pseudo-header sum: summing the segment tells them apart. */
    @Test
    void aCompleteChecksumThatEqualsThePseudoHeaderSumIsComplete() {
        byte[] small = TestFrames.pattern(40, 3);
        byte[] frame = null;
        for (int word = 0; word <= 0xFFFF && frame == null; word++) {
            small[0] = (byte) (word >>> 8);
            small[1] = (byte) word;
            byte[] complete = TestFrames.frame(spec, small, true);
            if (fieldOf(complete) == fieldOf(TestFrames.frame(spec, small, false))) {
                frame = complete;
            }
        }
        assertThat(frame)
                .as("a payload whose checksum matches the pseudo-header sum")
                .isNotNull();

        assertThat(TestFrames.tcpChecksumValid(frame)).isTrue();
        assertThat(Ipv4.hasPartialL4Checksum(Unpooled.wrappedBuffer(frame), IP)).isFalse();
    }

    private static int fieldOf(byte[] frame) {
        return Unpooled.wrappedBuffer(frame).getUnsignedShort(TCP + Tcp.CHECKSUM_OFFSET);
    }
}
