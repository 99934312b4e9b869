package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the API answers IPv4 parameters; the parsing rules are tested in net-values (Ipv4PrefixTest). */
class Ipv4ParametersTest {

    @Test
    void hostBitsAreCleared() {
        assertThat(Ipv4Parameters.prefix("10.1.2.3/16", "c")).hasToString("10.1.0.0/16");
        assertThat(Ipv4Parameters.prefix("255.255.255.240/28", "c").last()).isEqualTo(0xFFFF_FFFFL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"banana", "10.0.0.0", "10.0.0.0/33", "fd00::/64", "010.9.0.0/16", " 10.0.0.0/24", "   "})
    void garbageIsInvalidParameterValue(String text) {
        assertThatThrownBy(() -> Ipv4Parameters.prefix(text, "cidrBlock"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo("InvalidParameterValue");
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("cidrBlock");
                });
    }

    @Test
    void refusalsSayWhatTheCanonicalFormIs() {
        // The exact texts the API answered before the parser moved to net-values.
        assertThatThrownBy(() -> Ipv4Parameters.prefix("010.9.0.0/16", "cidrBlock"))
                .hasMessage("cidrBlock '010.9.0.0/16' is not an IPv4 CIDR block "
                        + "in canonical form (a.b.c.d/n: decimal, no leading zeros, no spaces)");
        assertThatThrownBy(() -> Ipv4Parameters.address(" 10.0.0.5", "privateIpAddress"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo("InvalidParameterValue"))
                .hasMessage("privateIpAddress ' 10.0.0.5' is not an IPv4 address "
                        + "in canonical form (a.b.c.d: decimal, no leading zeros, no spaces)");
        assertThat(Ipv4Parameters.address("0.0.0.0", "a")).isZero();
        assertThat(Ipv4Parameters.address("255.255.255.255", "a")).isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void absentIsMissingParameter() {
        for (String absent : new String[] {null, ""}) {
            assertThatThrownBy(() -> Ipv4Parameters.prefix(absent, "cidrBlock"))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.code()).isEqualTo("MissingParameter");
                        assertThat(e.getMessage()).isEqualTo("cidrBlock is required");
                    });
        }
        assertThatThrownBy(() -> Ipv4Parameters.address(null, "underlayIp"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo("MissingParameter"));
    }
}
