package io.vpclab.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeviceNameTest {

    @Test
    void acceptsWhatLinuxAcceptsWithinFifteenCharacters() {
        assertThat(DeviceName.of("tap-web.1_a").value()).isEqualTo("tap-web.1_a");
        assertThat(DeviceName.isValid("a".repeat(15))).isTrue();
        assertThat(DeviceName.isValid("-x")).isTrue();
    }

    @Test
    void refusesTooLongEmptyDotsAndCharactersTheKernelRefuses() {
        for (String bad :
                new String[] {"", "a".repeat(16), ".", "..", ".hidden", "a/b", "a:1", "a b", "tap\t", "täp"}) {
            assertThat(DeviceName.isValid(bad)).as(bad).isFalse();
        }
        assertThat(DeviceName.isValid(null)).isFalse();
        assertThatThrownBy(() -> DeviceName.of("eth0:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("15 characters")
                .hasMessageEndingWith(": eth0:1");
    }

    @Test
    void derivedNamesFitLinuxLimitsAndStayDistinct() {
        assertThat(DeviceName.derivedFrom("web").value()).isEqualTo("vl-web");
        DeviceName a = DeviceName.derivedFrom("i-0123456789abcdef0");
        DeviceName b = DeviceName.derivedFrom("i-0123456789abcdef1");
        assertThat(a.value()).hasSize(15).isNotEqualTo(b.value());
        assertThat(DeviceName.derivedFrom("a/b c").value()).isEqualTo("vl-a-b-c");
        assertThat(DeviceName.namespaceFor("i-0123456789abcdef0")).isEqualTo("vl-i-0123456789abcdef0");
    }
}
