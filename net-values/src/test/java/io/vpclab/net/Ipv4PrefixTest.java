package io.vpclab.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4PrefixTest {

    @Test
    void hostBitsAreCleared() {
        assertThat(Ipv4Prefix.parse("10.1.2.3/16")).hasToString("10.1.0.0/16");
        assertThat(Ipv4Prefix.parse("192.168.7.255/28")).hasToString("192.168.7.240/28");
        assertThat(Ipv4Prefix.parse("0.0.0.0/0")).hasToString("0.0.0.0/0");
        assertThat(Ipv4Prefix.parse("10.0.1.77/24")).isEqualTo(Ipv4Prefix.parse("10.0.1.0/24"));
        assertThat(Ipv4Prefix.of(0x0A00_0107L, 24)).isEqualTo(Ipv4Prefix.parse("10.0.1.0/24"));
    }

    @Test
    void highBitAddressesStayUnsigned() {
        Ipv4Prefix top = Ipv4Prefix.parse("255.255.255.240/28");
        assertThat(top.network()).isEqualTo(0xFFFF_FFF0);
        assertThat(top.first()).isEqualTo(0xFFFF_FFF0L);
        assertThat(top.last()).isEqualTo(0xFFFF_FFFFL);
        assertThat(top.size()).isEqualTo(16);
        assertThat(Ipv4Prefix.formatAddress(top.last())).isEqualTo("255.255.255.255");
        assertThat(Ipv4Prefix.formatAddress(0x8000_0001)).isEqualTo("128.0.0.1");
        assertThat(Ipv4Prefix.parseAddress("200.1.2.3")).isEqualTo(0xC8010203L);
        assertThat(Ipv4Prefix.of(0xFFFF_FFF0L, 28)).isEqualTo(top);
    }

    @Test
    void containmentAndOverlap() {
        Ipv4Prefix vpc = Ipv4Prefix.parse("10.0.0.0/16");
        Ipv4Prefix inside = Ipv4Prefix.parse("10.0.255.240/28");
        Ipv4Prefix straddling = Ipv4Prefix.parse("10.0.0.0/15");
        Ipv4Prefix next = Ipv4Prefix.parse("10.1.0.0/16");
        assertThat(vpc.contains(inside)).isTrue();
        assertThat(vpc.contains(straddling)).isFalse();
        assertThat(vpc.overlaps(straddling)).isTrue();
        assertThat(straddling.overlaps(vpc)).isTrue();
        assertThat(vpc.overlaps(next)).isFalse();
        assertThat(next.overlaps(vpc)).isFalse();
        assertThat(vpc.contains(Ipv4Prefix.parseAddress("10.0.7.7"))).isTrue();
        assertThat(vpc.contains(0x0A00_FFFF)).isTrue();
        assertThat(vpc.contains(0x0A01_0000)).isFalse();
        assertThat(Ipv4Prefix.parse("0.0.0.0/0").contains(0xFFFF_FFFF)).isTrue();
        assertThat(Ipv4Prefix.parse("0.0.0.0/0").contains(0x1_0000_0000L)).isFalse();
        assertThat(Ipv4Prefix.parse("128.0.0.0/1").contains(0x8000_0000)).isTrue();
        assertThat(Ipv4Prefix.parse("128.0.0.0/1").contains(0x8000_0000L)).isTrue();
        assertThat(Ipv4Prefix.parse("192.168.1.1/32").contains(0xC0A8_0101)).isTrue();
    }

    @Test
    void masksCoverTheWholeRange() {
        assertThat(Ipv4Prefix.mask(0)).isZero();
        assertThat(Ipv4Prefix.mask(1)).isEqualTo(0x8000_0000);
        assertThat(Ipv4Prefix.mask(24)).isEqualTo(0xFFFF_FF00);
        assertThat(Ipv4Prefix.mask(32)).isEqualTo(-1);
        assertThatThrownBy(() -> new Ipv4Prefix(0, 33)).hasMessage("prefix length 33 is outside 0..32");
        assertThatThrownBy(() -> new Ipv4Prefix(0, -1)).hasMessage("prefix length -1 is outside 0..32");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "banana",
                "10.0.0.0",
                "10.0.0.0/33",
                "10.0.0.0/-1",
                "10.0.0.0/x",
                "300.0.0.0/16",
                "10.0.0/16",
                "fd00::/64",
                "10.0.0.*/24",
                "10.0.0.0-10.0.0.9",
                "1/8",
                "10.0.0.0/16/2",
                "0x0a000000/8",
                // One spelling per block: leading zeros (octal to some parsers), spaces, signs, other digits.
                "010.9.0.0/16",
                "10.09.0.0/16",
                "10.0.0.00/16",
                "10.0.0.0/016",
                "10.0.0.0/08",
                " 10.0.0.0/24",
                "10.0.0.0/24 ",
                "10.0.0.0 /24",
                "10.0.0.0/ 24",
                "10.0.0.0/24\n",
                "\t10.0.0.0/24",
                "+10.0.0.0/24",
                "10.0.0.0/+8",
                "10.0.0.0/",
                "10.0.0.0/24\u0000",
                "1\u0660.0.0.0/8",
                "10..0.0/16",
                ".10.0.0/16",
                "10.0.0.0./16",
                "0.0.0.0/00",
                "   ",
                ""
            })
    void garbageIsRefusedWithTheTextQuoted(String text) {
        assertThat(Ipv4Prefix.parseOrNull(text)).isNull();
        assertThatThrownBy(() -> Ipv4Prefix.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not an IPv4 CIDR block "
                        + "in canonical form (a.b.c.d/n: decimal, no leading zeros, no spaces)");
    }

    @Test
    void longTextIsShortenedInTheRefusalAndNullIsRefused() {
        assertThatThrownBy(() -> Ipv4Prefix.parse("1".repeat(100)))
                .hasMessageStartingWith("'" + "1".repeat(40) + "...' is not an IPv4 CIDR block");
        assertThatThrownBy(() -> Ipv4Prefix.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Ipv4Prefix.notAnAddress(" 10.0.0.5"))
                .isEqualTo("' 10.0.0.5' is not an IPv4 address "
                        + "in canonical form (a.b.c.d: decimal, no leading zeros, no spaces)");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.0.0.0/8",
                "1.2.3",
                "10.0.0.256",
                "::1",
                "",
                "010.0.0.1",
                "10.0.0.01",
                " 10.0.0.1",
                "10.0.0.1 ",
                "10.0.0.1\n",
                "1.2.3.4.5",
                "1.2.3.-4",
                "1.2.3.4\u0000",
                "0x1.2.3.4",
                "a.b.c.d",
                "10..1.5"
            })
    void nonAddressesParseToNull(String text) {
        assertThat(Ipv4Prefix.parseAddress(text)).isNull();
    }

    @Test
    void addressesAtTheEdgesParse() {
        assertThat(Ipv4Prefix.parseAddress("0.0.0.0")).isZero();
        assertThat(Ipv4Prefix.parseAddress("255.255.255.255")).isEqualTo(0xFFFF_FFFFL);
        assertThat(Ipv4Prefix.parseAddress(null)).isNull();
    }
}
