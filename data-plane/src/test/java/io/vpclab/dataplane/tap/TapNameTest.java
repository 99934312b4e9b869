package io.vpclab.dataplane.tap;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TapNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "sixteen-chars-xx", "has space", "a/b", "a:b"})
    void invalidNamesAreRefusedBeforeAnySyscall(String name) {
        assertThatThrownBy(() -> TapDevice.open(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TAP name");
    }
}
