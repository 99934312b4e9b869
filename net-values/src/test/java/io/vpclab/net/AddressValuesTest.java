package io.vpclab.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressValuesTest {

    @Test
    void macAddressesParseFormatAndKnowTheirBits() {
        MacAddress mac = MacAddress.parse("02:00:0A:00:01:05");
        assertThat(mac.bits()).isEqualTo(0x02000a000105L);
        assertThat(mac).hasToString("02:00:0a:00:01:05");
        assertThat(mac.isMulticast()).isFalse();
        assertThat(MacAddress.parse("01-00-5e-00-00-01").isMulticast()).isTrue();
        assertThat(MacAddress.BROADCAST.isMulticast()).isTrue();
        assertThat(MacAddress.parse("ff:ff:ff:ff:ff:ff")).isEqualTo(MacAddress.BROADCAST);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "02:00:0a:00:01",
                "02:00:0a:00:01:0g",
                "02:00:0a-00:01:05",
                "0200.0a00.0105",
                "02:00:0a:00:01:055"
            })
    void badMacTextIsRefused(String text) {
        assertThatThrownBy(() -> MacAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.isEmpty() ? "MAC address" : text);
    }

    @Test
    void macBitsAbove48AreRefused() {
        assertThatThrownBy(() -> new MacAddress(1L << 48)).hasMessageContaining("48 bits");
    }

    @Test
    void ipv4AddressesParseStrictlyAndConvertWithoutCopies() throws Exception {
        assertThat(Ipv4Address.parse("255.255.255.254").bits()).isEqualTo(0xFFFF_FFFE);
        assertThat(Ipv4Address.format(0x8000_0001)).isEqualTo("128.0.0.1");
        assertThat(Ipv4Address.bitsOf(InetAddress.getByName("10.0.1.5"))).isEqualTo(0x0a000105);
        assertThat(Ipv4Address.bitsOf(InetAddress.getByName("::1"))).isZero();
        assertThat(Ipv4Address.parse("10.0.1.5").toInetAddress()).isEqualTo(InetAddress.getByName("10.0.1.5"));
        for (String bad :
                new String[] {"10.0.1", "10.0.1.256", "10.0.1.-1", "10.0.1.5 ", "a.b.c.d", "10..1.5", "1.2.3.4.5"}) {
            assertThatThrownBy(() -> Ipv4Address.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.trim());
        }
        assertThatThrownBy(() -> Ipv4Address.parse(null)).hasMessage("IPv4 address is missing");
    }

    @Test
    void anIpv4AddressHasOneSpellingAndFormatsHighBitsUnsigned() {
        assertThatThrownBy(() -> Ipv4Address.parse("010.0.0.1")).hasMessageContaining("no leading zeros");
        assertThat(Ipv4Address.format(0xFFFF_FFFF)).isEqualTo("255.255.255.255");
    }
}
