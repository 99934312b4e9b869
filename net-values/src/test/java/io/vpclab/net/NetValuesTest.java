package io.vpclab.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NetValuesTest {

    @Test
    void vnisAreUnsigned24BitFromOne() {
        assertThat(Vni.of(1).value()).isEqualTo(1);
        assertThat(Vni.of(0x800000).value()).isEqualTo(8388608);
        assertThat(Vni.of(0xFFFFFF).value()).isEqualTo(16777215);
        assertThatThrownBy(() -> Vni.of(0)).hasMessage("VNI must be 1..16777215: 0");
        assertThatThrownBy(() -> Vni.of(0x1000000)).hasMessage("VNI must be 1..16777215: 16777216");
        assertThatThrownBy(() -> Vni.of(-1)).hasMessage("VNI must be 1..16777215: 4294967295");
        assertThat(Vni.isValid(16_777_215L)).isTrue();
        assertThat(Vni.isValid(16_777_216L)).isFalse();
        assertThat(Vni.isValid(0)).isFalse();
    }

    @Test
    void specNumbersAreTheRfcOnes() {
        assertThat(VxlanSpec.UDP_PORT).isEqualTo(4789);
        assertThat(VxlanSpec.HEADER_LENGTH).isEqualTo(8);
        assertThat(VxlanSpec.OVERHEAD).isEqualTo(50);
        assertThat(VlanSpec.isValidId(1)).isTrue();
        assertThat(VlanSpec.isValidId(4094)).isTrue();
        assertThat(VlanSpec.isValidId(0)).isFalse();
        assertThat(VlanSpec.isValidId(4095)).isFalse();
        assertThat(VlanSpec.RANGE).isEqualTo("1..4094");
    }

    @Test
    void blocksAreSlash16ToSlash28() {
        assertThat(CidrBlockLimits.allows(15)).isFalse();
        assertThat(CidrBlockLimits.allows(16)).isTrue();
        assertThat(CidrBlockLimits.allows(28)).isTrue();
        assertThat(CidrBlockLimits.allows(29)).isFalse();
    }
}
