package io.vpclab.dataplane.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.util.List;
import org.junit.jupiter.api.Test;

class NatGatewayTableTest {

    static final Vni PUBLIC = ElasticIpTableTest.PUBLIC;
    static final Vni PRIVATE = Vni.of(2);
    static final Ipv4Address NAT_IP = Ipv4Address.parse("10.0.1.10");
    static final Ipv4Address NAT_PUBLIC = Ipv4Address.parse("203.0.113.20");
    static final MacAddress NAT_MAC = MacAddress.parse("02:00:0a:00:01:0a");

    static LocalPort natPort() {
        return new LocalPort(
                "nat",
                null,
                PortKind.NAT_GATEWAY,
                ForwardingStateTest.VNI,
                NAT_MAC,
                NAT_IP,
                24,
                null,
                1450,
                null,
                null);
    }

    static NatGateway gateway(String portId, Ipv4Address publicIp) {
        return NatGateway.of("nat-1", portId, publicIp, List.of(Ipv4Prefix.parse("10.0.2.0/24")));
    }

    static ForwardingState.Builder withGateway() {
        return ElasticIpTableTest.withPublicSegment()
                .publicVni(PUBLIC)
                .port(natPort())
                .natGateway(gateway("nat", NAT_PUBLIC));
    }

    @Test
    void defaultRoutesAndGatewaysAreFoundByIndex() {
        ForwardingState state = withGateway()
                .defaultRoute(new DefaultRoute(PRIVATE, ForwardingStateTest.VNI, NAT_IP))
                .build();

        int privateSegment = state.segmentIndexOf(PRIVATE.value());
        int natSegment = state.segmentIndexOf(ForwardingStateTest.VNI.value());
        assertThat(state.defaultRouteSegment(privateSegment)).isEqualTo(natSegment);
        assertThat(state.defaultRouteNextHop(privateSegment)).isEqualTo(NAT_IP.bits());
        assertThat(state.defaultRouteSegment(natSegment)).isEqualTo(ForwardingState.NONE);
        int port = state.portIndexOf("nat");
        assertThat(state.natGatewayOfPort(port)).isZero();
        assertThat(state.natGatewayPort(0)).isEqualTo(port);
        assertThat(state.natGatewayOfPort(state.portIndexOf("p1"))).isEqualTo(ForwardingState.NONE);
        assertThat(state.natGatewayByPublic(NAT_PUBLIC.bits())).isZero();
        assertThat(state.natGatewayByPublic(NAT_IP.bits())).isEqualTo(ForwardingState.NONE);
        assertThat(state.bindingMac(natSegment, NAT_IP.bits())).isEqualTo(NAT_MAC.bits()); // ARP-answered
        assertThat(state.natGateways().get(0).serves(Ipv4Address.parseBits("10.0.2.77")))
                .isTrue();
        assertThat(state.natGateways().get(0).serves(Ipv4Address.parseBits("10.0.1.77")))
                .isFalse();
    }

    @Test
    void badGatewaysAndDefaultRoutesAreRefusedByName() {
        assertThatThrownBy(() -> ElasticIpTableTest.withPublicSegment()
                        .publicVni(PUBLIC)
                        .natGateway(gateway("nope", NAT_PUBLIC))
                        .build())
                .hasMessage("natGateway nat-1: port nope is not in this table (build only validated tables)");
        assertThatThrownBy(() -> withGateway()
                        .defaultRoute(new DefaultRoute(Vni.of(9), ForwardingStateTest.VNI, NAT_IP))
                        .build())
                .hasMessage("defaultRoute of 9: vni 9 is not in this table (build only validated tables)");
        assertThatThrownBy(() -> new NatGateway("n", "p", NAT_PUBLIC, 2000, 1999, 350, 350, null, null))
                .hasMessage("natGateway n: port range must be within 1..65535 with min <= max: 2000..1999");
        assertThatThrownBy(() -> new NatGateway("n", "p", NAT_PUBLIC, 1024, 65535, 0, 350, null, null))
                .hasMessageContaining("idle timeouts must be 1..86400 s");
    }
}
