package io.vpclab.controlplane.subnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.net.Ipv4Prefix;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressPlanTest {

    private static AddressPlan plan(String cidr) {
        return new AddressPlan(Ipv4Parameters.prefix(cidr, "cidrBlock"));
    }

    private static long ip(String text) {
        return Ipv4Prefix.parseAddress(text);
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/28, 11", "10.0.0.0/24, 251", "10.0.0.0/16, 65531", "10.0.0.0/27, 27"})
    void usableIsSizeMinusFive(String cidr, long usable) {
        assertThat(plan(cidr).usableCount()).isEqualTo(usable);
    }

    @Test
    void awsReservesNetworkGatewayTwoMoreAndBroadcast() {
        AddressPlan plan = plan("10.0.1.0/28");
        assertThat(plan.gateway()).isEqualTo(ip("10.0.1.1"));
        for (String reserved : List.of("10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.15")) {
            assertThat(plan.isReserved(ip(reserved))).as(reserved).isTrue();
        }
        for (long usable = ip("10.0.1.4"); usable <= ip("10.0.1.14"); usable++) {
            assertThat(plan.isReserved(usable)).isFalse();
        }
        assertThat(plan.isReserved(ip("10.0.1.16"))).isFalse();
        assertThat(plan.contains(ip("10.0.1.16"))).isFalse();
    }

    @Test
    void nextFreeIsTheLowestUsableGap() {
        AddressPlan plan = plan("10.0.1.0/28");
        assertThat(plan.nextFree(List.of())).hasValue(ip("10.0.1.4"));
        assertThat(plan.nextFree(List.of(ip("10.0.1.4"), ip("10.0.1.5"), ip("10.0.1.7"))))
                .hasValue(ip("10.0.1.6"));
        List<Long> all =
                LongStream.rangeClosed(ip("10.0.1.4"), ip("10.0.1.14")).boxed().toList();
        assertThat(plan.nextFree(all)).isEmpty();
    }

    @Test
    void theTopOfTheAddressSpaceWorks() {
        AddressPlan plan = plan("255.255.255.240/28");
        assertThat(plan.nextFree(List.of())).hasValue(0xFFFF_FFF4L);
        assertThat(plan.isReserved(0xFFFF_FFFFL)).isTrue();
        assertThat(plan.lastUsable()).isEqualTo(0xFFFF_FFFEL);
    }
}
