package io.vpclab.controlplane.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class MacAddressesTest {

    @RepeatedTest(20)
    void generatedMacsAreLocallyAdministeredUnicast() {
        String mac = MacAddresses.random();
        assertThat(mac).matches("02(:[0-9a-f]{2}){5}");
        assertThat(MacAddresses.isLocalUnicast(mac)).isTrue();
    }

    @Test
    void vendorAndMulticastMacsAreNotLocalUnicast() {
        assertThat(MacAddresses.isLocalUnicast("00:1b:21:00:00:01")).isFalse();
        assertThat(MacAddresses.isLocalUnicast("01:00:5e:00:00:01")).isFalse();
        assertThat(MacAddresses.isLocalUnicast("03:00:00:00:00:01")).isFalse();
    }

    @Test
    void thousandsOfMacsRarelyCollide() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(MacAddresses.random());
        }
        assertThat(seen).hasSizeGreaterThan(9_990);
    }
}
