package io.vpclab.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * CIDR blocks and addresses arrive as untrusted strings in every request body and table. Whatever
 * the text, parsing either yields a canonical block or refuses with IllegalArgumentException
 * (which the API answers with a 400): never another exception (which would be a 500).
 */
class Ipv4PrefixFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsingEitherCanonicalisesOrRefuses(String text) {
        Ipv4Prefix prefix;
        try {
            prefix = Ipv4Prefix.parse(text);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).contains("is not an IPv4 CIDR block");
            assertThat(Ipv4Prefix.parseOrNull(text)).isNull();
            return;
        }
        assertThat(prefix.length()).isBetween(0, 32);
        assertThat(prefix.first() % prefix.size()).isZero();
        assertThat(prefix.last()).isLessThanOrEqualTo(0xFFFF_FFFFL);
        assertThat(Ipv4Prefix.parse(prefix.toString())).isEqualTo(prefix);
        assertThat(prefix.contains(prefix.first())).isTrue();
        assertThat(prefix.contains(prefix.last())).isTrue();
        assertThat(prefix.contains((int) prefix.last())).isTrue();
    }

    @FuzzTest(maxDuration = "10s")
    void addressParsingNeverThrows(String text) {
        Long address = Ipv4Prefix.parseAddress(text);
        if (address != null) {
            assertThat(address).isBetween(0L, 0xFFFF_FFFFL);
            assertThat(Ipv4Prefix.parseAddress(Ipv4Prefix.formatAddress(address)))
                    .isEqualTo(address);
        }
    }
}
