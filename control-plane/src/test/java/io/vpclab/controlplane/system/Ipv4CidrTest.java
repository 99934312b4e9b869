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
        assertThat(Ipv4Cidr.parse(" 10.0.0.0/24 ", "c")).hasToString("10.0.0.0/24");
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
    @ValueSource(strings = {"banana", "10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "300.0.0.0/16", "10.0.0/16", "fd00::/64",
            "10.0.0.*/24", "10.0.0.0-10.0.0.9", "1/8", "10.0.0.0/16/2", "0x0a000000/8"})
    void garbageIsInvalidParameterValue(String text) {
        assertThatThrownBy(() -> Ipv4Cidr.parse(text, "cidrBlock"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo("InvalidParameterValue");
                    assertThat(e.getMessage()).contains("cidrBlock");
                });
    }

    @Test
    void absentIsMissingParameter() {
        assertThatThrownBy(() -> Ipv4Cidr.parse(null, "cidrBlock"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("MissingParameter"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "1.2.3", "10.0.0.256", "::1", ""})
    void nonAddressesParseToNull(String text) {
        assertThat(Ipv4Cidr.parseAddress(text)).isNull();
    }
}
