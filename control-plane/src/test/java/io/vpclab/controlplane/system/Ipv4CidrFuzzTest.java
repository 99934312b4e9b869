package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vpclab.controlplane.subnet.AddressPlan;

/**
 * CIDR blocks and addresses arrive as untrusted strings in every request body. Whatever the
 * text, parsing either yields a canonical block or refuses with a 400 code: never another
 * exception (which would be a 500).
 */
class Ipv4CidrFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsingEitherCanonicalisesOrRefuses(String text) {
        Ipv4Cidr cidr;
        try {
            cidr = Ipv4Cidr.parse(text, "cidrBlock");
        } catch (ApiException refused) {
            assertThat(refused.code()).isIn("InvalidParameterValue", "MissingParameter");
            assertThat(refused.status().value()).isEqualTo(400);
            return;
        }
        assertThat(cidr.prefixLength()).isBetween(0, 32);
        assertThat(cidr.first() % cidr.size()).isZero();
        assertThat(cidr.last()).isLessThanOrEqualTo(0xFFFF_FFFFL);
        assertThat(Ipv4Cidr.parse(cidr.toString(), "cidrBlock")).isEqualTo(cidr);
        if (cidr.prefixLength() >= 16 && cidr.prefixLength() <= 28) {
            AddressPlan plan = new AddressPlan(cidr);
            assertThat(plan.usableCount()).isEqualTo(cidr.size() - 5);
            assertThat(plan.isReserved(plan.gateway())).isTrue();
        }
    }

    @FuzzTest(maxDuration = "10s")
    void addressParsingNeverThrows(String text) {
        Long address = Ipv4Cidr.parseAddress(text);
        if (address != null) {
            assertThat(address).isBetween(0L, 0xFFFF_FFFFL);
            assertThat(Ipv4Cidr.parseAddress(Ipv4Cidr.formatAddress(address))).isEqualTo(address);
        }
    }
}
