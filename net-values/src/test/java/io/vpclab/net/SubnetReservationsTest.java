package io.vpclab.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SubnetReservationsTest {

    private static final Ipv4Prefix SLASH_28 = Ipv4Prefix.parse("10.0.1.0/28");

    private static long at(String address) {
        return Ipv4Prefix.parseAddress(address);
    }

    @Test
    void theFiveReservedAreNetworkRouterDnsFutureAndBroadcast() {
        assertThat(SubnetReservations.router(SLASH_28)).isEqualTo(at("10.0.1.1"));
        assertThat(SubnetReservations.dns(SLASH_28)).isEqualTo(at("10.0.1.2"));
        for (String reserved : new String[] {"10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.15"}) {
            assertThat(SubnetReservations.isReserved(SLASH_28, at(reserved)))
                    .as(reserved)
                    .isTrue();
        }
        assertThat(SubnetReservations.COUNT).isEqualTo(5);
    }

    @Test
    void aSlash28HasElevenUsableFromBasePlusFourToTheOneBeforeBroadcast() {
        assertThat(SubnetReservations.firstUsable(SLASH_28)).isEqualTo(at("10.0.1.4"));
        assertThat(SubnetReservations.lastUsable(SLASH_28)).isEqualTo(at("10.0.1.14"));
        assertThat(SubnetReservations.usableCount(SLASH_28)).isEqualTo(11);
        assertThat(SubnetReservations.isReserved(SLASH_28, at("10.0.1.4"))).isFalse();
        assertThat(SubnetReservations.isReserved(SLASH_28, at("10.0.1.14"))).isFalse();
        assertThat(SubnetReservations.usableCount(Ipv4Prefix.parse("10.0.0.0/16")))
                .isEqualTo(65_536 - 5);
    }

    @Test
    void addressesOutsideTheSubnetAreNotItsReservedOnes() {
        assertThat(SubnetReservations.isReserved(SLASH_28, at("10.0.0.255"))).isFalse();
        assertThat(SubnetReservations.isReserved(SLASH_28, at("10.0.1.16"))).isFalse();
    }

    @Test
    void theTopOfTheAddressSpaceDoesNotOverflow() {
        Ipv4Prefix top = Ipv4Prefix.parse("255.255.255.240/28");
        assertThat(SubnetReservations.lastUsable(top)).isEqualTo(at("255.255.255.254"));
        assertThat(SubnetReservations.isReserved(top, at("255.255.255.255"))).isTrue();
        assertThat(SubnetReservations.usableCount(top)).isEqualTo(11);
    }

    @Test
    void aPrefixSmallerThanFiveAddressesHasNoneUsable() {
        assertThat(SubnetReservations.usableCount(Ipv4Prefix.parse("10.0.0.0/30")))
                .isZero();
    }
}
