package io.vpclab.dataplane.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElasticIpTableTest {

    static final Vni PUBLIC = Vni.of(16_777_000);
    static final Ipv4Address EIP = Ipv4Address.parse("203.0.113.10");
    static final Ipv4Address PRIVATE = Ipv4Address.parse("10.0.1.5");

    static ForwardingState.Builder withPublicSegment() {
        return ForwardingStateTest.valid()
                .segment(new Segment(PUBLIC, null, Ipv4Address.parse("198.51.100.1"), "public", List.of(), null))
                .router(new Router(
                        "public",
                        MacAddress.parse("02:00:00:00:01:fe"),
                        List.of(new Route(Ipv4Prefix.parse("203.0.113.0/24"), PUBLIC))));
    }

    @Test
    void elasticIpsAreFoundByPublicAndByPrivateAddress() {
        ForwardingState state = withPublicSegment()
                .publicVni(PUBLIC)
                .elasticIp(new ElasticIp(EIP, ForwardingStateTest.VNI, PRIVATE, IngressPolicy.ALLOW_ALL))
                .build();

        int segment = state.segmentIndexOf(ForwardingStateTest.VNI.value());
        int eip = state.elasticIpByPublic(EIP.bits());
        assertThat(state.publicSegment()).isEqualTo(state.segmentIndexOf(PUBLIC.value()));
        assertThat(eip).isZero();
        assertThat(state.elasticIpByPrivate(segment, PRIVATE.bits())).isEqualTo(eip);
        assertThat(state.elasticIpByPrivate(state.segmentIndexOf(2), PRIVATE.bits()))
                .isEqualTo(ForwardingState.NONE);
        assertThat(state.elasticIpSegment(eip)).isEqualTo(segment);
        assertThat(state.elasticIpPrivate(eip)).isEqualTo(PRIVATE.bits());
        assertThat(state.elasticIpAllowsAll(eip)).isTrue();
        assertThat(new ElasticIp(EIP, PUBLIC, PRIVATE, null).ingress()).isEqualTo(IngressPolicy.DENY_ALL);
    }

    @Test
    void anElasticIpWhoseReferencesDoNotResolveIsRefused() {
        assertThatThrownBy(() -> withPublicSegment().publicVni(Vni.of(9)).build())
                .hasMessage("publicVni: vni 9 is not in this table (build only validated tables)");
        assertThatThrownBy(() -> withPublicSegment()
                        .publicVni(PUBLIC)
                        .elasticIp(new ElasticIp(EIP, Vni.of(9), PRIVATE, null))
                        .build())
                .hasMessage("elasticIp 203.0.113.10: vni 9 is not in this table (build only validated tables)");
    }
}
