package io.vpclab.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class VxlanTest {

    // RFC 7348 s5: flags (I = 0x08) | reserved 24 | VNI 24 | reserved 8
    static final String VNI_0X800000 = "08 (flags: I) | 000000 (reserved) | 800000 (VNI 8388608) | 00 (reserved)";

    @Test
    void readsAnAnnotatedHeaderWithTheHighBitOfTheVniSet() {
        ByteBuf header = Bytes.buf(VNI_0X800000);

        assertThat(Vxlan.flags(header, 0)).isEqualTo(0x08);
        assertThat(Vxlan.hasVni(header, 0)).isTrue();
        assertThat(Vxlan.vni(header, 0)).isEqualTo(0x800000).isPositive();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 0x7FFFFF, 0x800000, 0xFFFFFF})
    void writesTheHeaderWithReservedFieldsZero(int vni) {
        ByteBuf header = Unpooled.buffer(8).writeZero(8);
        header.setByte(3, 0x5A); // garbage that the writer must clear

        Vxlan.write(header, 0, vni);

        assertThat(header.getByte(0)).isEqualTo((byte) 0x08);
        assertThat(header.getUnsignedMedium(1)).isZero();
        assertThat(header.getUnsignedMedium(4)).isEqualTo(vni);
        assertThat(header.getByte(7)).isZero();
        assertThat(Vxlan.vni(header, 0)).isEqualTo(vni);
    }

    @Test
    void ignoresReservedBitsAndSeesAMissingIFlag() {
        ByteBuf header = Bytes.buf("f7 (all flags but I) | ffffff | 000001 | ff");

        assertThat(Vxlan.hasVni(header, 0)).isFalse();
        assertThat(Vxlan.vni(header, 0)).isEqualTo(1);
    }

    @Test
    void everyTruncatedLengthIsRefusedWithTheOneMessage() {
        byte[] bytes = Bytes.hex(VNI_0X800000);
        for (int length = 0; length < bytes.length; length++) {
            ByteBuf cut = Bytes.truncated(bytes, length);
            assertThatThrownBy(() -> Vxlan.check(cut, 0))
                    .isInstanceOf(PacketFormatException.class)
                    .hasMessage("VXLAN truncated: needs 8 bytes at offset 0, " + length + " available");
        }
        Vxlan.check(Bytes.truncated(bytes, 8), 0);
    }

    static IntStream randomVnis() {
        return new SplittableRandom(Long.getLong("prop.seed", 42L)).ints(500, 0, 0x1000000);
    }

    @ParameterizedTest
    @MethodSource("randomVnis")
    void roundTripsAnyVni(int vni) {
        ByteBuf header = Unpooled.buffer(8).writeZero(8);
        Vxlan.write(header, 0, vni);
        assertThat(Vxlan.vni(header, 0)).isEqualTo(vni);
        assertThat(Vxlan.hasVni(header, 0)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("randomVnis")
    void sourcePortsStayInTheDynamicRange(int hash) {
        assertThat(Vxlan.sourcePort(hash)).isBetween(49152, 65535);
        assertThat(Vxlan.sourcePort(-hash)).isBetween(49152, 65535);
    }

    @Test
    void overheadIsFiftyBytes() {
        assertThat(Vxlan.OVERHEAD).isEqualTo(50);
        assertThat(Vxlan.MIN_DATAGRAM_LENGTH).isEqualTo(22);
        assertThat(Vxlan.sourcePort(Integer.MIN_VALUE)).isBetween(49152, 65535);
    }
}
