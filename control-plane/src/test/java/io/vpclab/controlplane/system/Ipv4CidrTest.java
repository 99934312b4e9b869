package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4CidrTest {

    @Test
    void hostBitsAreCleared() {
        assertThat(Ipv4Cidr.parse("10.1.2.3/16", "c")).hasToString("10.1.0.0/16");
        assertThat(Ipv4Cidr.parse("192.168.7.255/28", "c")).hasToString("192.168.7.240/28");
        assertThat(Ipv4Cidr.parse("0.0.0.0/0", "c")).hasToString("0.0.0.0/0");
    }

    @Test
    void highBitAddressesStayUnsigned() {
        Ipv4Cidr top = Ipv4Cidr.parse("255.255.255.240/28", "c");
        assertThat(top.first()).isEqualTo(0xFFFF_FFF0L);
        assertThat(top.last()).isEqualTo(0xFFFF_FFFFL);
        assertThat(top.size()).isEqualTo(16);
        assertThat(Ipv4Cidr.formatAddress(top.last())).isEqualTo("255.255.255.255");
        assertThat(Ipv4Cidr.parseAddress("200.1.2.3")).isEqualTo(0xC8010203L);
    }

    @Test
    void containmentAndOverlap() {
        Ipv4Cidr vpc = Ipv4Cidr.parse("10.0.0.0/16", "c");
        Ipv4Cidr inside = Ipv4Cidr.parse("10.0.255.240/28", "c");
        Ipv4Cidr straddling = Ipv4Cidr.parse("10.0.0.0/15", "c");
        Ipv4Cidr next = Ipv4Cidr.parse("10.1.0.0/16", "c");
        assertThat(vpc.contains(inside)).isTrue();
        assertThat(vpc.contains(straddling)).isFalse();
        assertThat(vpc.overlaps(straddling)).isTrue();
        assertThat(vpc.overlaps(next)).isFalse();
        assertThat(next.overlaps(vpc)).isFalse();
        assertThat(vpc.contains(Ipv4Cidr.parseAddress("10.0.7.7"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "banana",
                "10.0.0.0",
                "10.0.0.0/33",
                "10.0.0.0/-1",
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
                "   "
            })
    void garbageIsInvalidParameterValue(String text) {
        assertThatThrownBy(() -> Ipv4Cidr.parse(text, "cidrBlock")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo("InvalidParameterValue");
            assertThat(e.getMessage()).contains("cidrBlock");
        });
    }

    @Test
    void refusalsSayWhatTheCanonicalFormIs() {
        assertThatThrownBy(() -> Ipv4Cidr.parse("010.9.0.0/16", "cidrBlock"))
                .hasMessageContaining("cidrBlock '010.9.0.0/16'")
                .hasMessageContaining("no leading zeros");
        assertThatThrownBy(() -> Ipv4Cidr.requireAddress(" 10.0.0.5", "privateIpAddress"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo("InvalidParameterValue"))
                .hasMessageContaining("privateIpAddress ' 10.0.0.5'")
                .hasMessageContaining("no spaces");
        assertThat(Ipv4Cidr.requireAddress("0.0.0.0", "a")).isZero();
        assertThat(Ipv4Cidr.requireAddress("255.255.255.255", "a")).isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void absentIsMissingParameter() {
        assertThatThrownBy(() -> Ipv4Cidr.parse(null, "cidrBlock"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo("MissingParameter"));
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
                "0x1.2.3.4"
            })
    void nonAddressesParseToNull(String text) {
        assertThat(Ipv4Cidr.parseAddress(text)).isNull();
    }
}
