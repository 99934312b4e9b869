package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vpclab.controlplane.subnet.AddressPlan;
import io.vpclab.net.CidrBlockLimits;
import io.vpclab.net.Ipv4Prefix;

/**
 * CIDR blocks arrive as untrusted strings in every request body. Whatever the text, the API
 * either gets a canonical block or refuses with a 400 code: never another exception (which
 * would be a 500). The parser itself is fuzzed in the net-values module.
 */
class Ipv4ParametersFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsingEitherCanonicalisesOrRefuses(String text) {
        Ipv4Prefix cidr;
        try {
            cidr = Ipv4Parameters.prefix(text, "cidrBlock");
        } catch (ApiException refused) {
            assertThat(refused.code()).isIn("InvalidParameterValue", "MissingParameter");
            assertThat(refused.status().value()).isEqualTo(400);
            return;
        }
        assertThat(cidr.length()).isBetween(0, 32);
        assertThat(Ipv4Parameters.prefix(cidr.toString(), "cidrBlock")).isEqualTo(cidr);
        if (CidrBlockLimits.allows(cidr.length())) {
            AddressPlan plan = new AddressPlan(cidr);
            assertThat(plan.usableCount()).isEqualTo(cidr.size() - 5);
            assertThat(plan.isReserved(plan.gateway())).isTrue();
        }
    }
}
