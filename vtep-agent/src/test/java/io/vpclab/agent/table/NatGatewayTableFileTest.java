package io.vpclab.agent.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.client.document.DocumentProblem;
import io.vpclab.dataplane.table.EgressPolicy;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.NatGateway;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A NAT gateway's port and an associated subnet's default route, read and translated. */
class NatGatewayTableFileTest {

    static final String WITH_NAT = """
            host:
              underlayIp: 192.168.77.1
            segments:
              - vni: 100
                cidrBlock: 10.0.1.0/24
                gatewayIp: 10.0.1.1
                routerId: r1
              - vni: 200
                cidrBlock: 10.0.2.0/24
                gatewayIp: 10.0.2.1
                routerId: r1
                defaultRoute:
                  vni: 100
                  nextHop: 10.0.1.10
              - vni: 16777000
                gatewayIp: 198.51.100.1
                routerId: public
                provider: true
            ports:
              - id: nat-1
                kind: nat-gateway
                vni: 100
                mac: 02:00:0a:00:01:0a
                ipAddress: 10.0.1.10
                natGateway:
                  id: nat-1
                  publicIp: 203.0.113.20
                  portMin: 2000
                  portMax: 2001
                  udpIdleSeconds: 30
                  egressPolicy: WHITELIST
                  sources: [10.0.2.0/24]
            routers:
              - id: r1
                mac: 02:00:00:00:01:01
                routes:
                  - destination: 10.0.1.0/24
                    vni: 100
                  - destination: 10.0.2.0/24
                    vni: 200
              - id: public
                mac: 02:00:00:00:01:fe
                routes:
                  - destination: 203.0.113.0/24
                    vni: 16777000
            """;

    @Test
    void translatesTheGatewayAndTheDefaultRouteWithContractDefaults() {
        ForwardingState state =
                TableTranslator.translate("t.yaml", TableFile.parse("t.yaml", WITH_NAT, TableFormat.YAML));

        NatGateway nat = state.natGateways().get(0);
        assertThat(nat)
                .isEqualTo(new NatGateway(
                        "nat-1",
                        "nat-1",
                        Ipv4Address.parse("203.0.113.20"),
                        2000,
                        2001,
                        NatGateway.DEFAULT_IDLE_SECONDS,
                        30,
                        EgressPolicy.WHITELIST,
                        List.of(Ipv4Prefix.parse("10.0.2.0/24"))));
        assertThat(state.natGatewayByPublic(Ipv4Address.parseBits("203.0.113.20")))
                .isZero();
        int privateSegment = state.segmentIndexOf(200);
        assertThat(state.defaultRouteSegment(privateSegment)).isEqualTo(state.segmentIndexOf(100));
        assertThat(state.defaultRouteNextHop(privateSegment)).isEqualTo(Ipv4Address.parseBits("10.0.1.10"));
    }

    @Test
    void refusesAGatewayPortWithoutItsGatewayAndBadSettings() {
        String missing = WITH_NAT.substring(0, WITH_NAT.indexOf("    natGateway:"))
                + WITH_NAT.substring(WITH_NAT.indexOf("routers:"));
        assertThatThrownBy(() -> TableFile.parse("t.yaml", missing, TableFormat.YAML))
                .isInstanceOfSatisfying(TableRefusedException.class, e -> {
                    assertThat(e.first().pointer()).isEqualTo("/ports/0/natGateway");
                    assertThat(e.first().message()).contains("exactly when its kind is nat-gateway");
                });
        String inverted = WITH_NAT.replace("portMin: 2000", "portMin: 3000")
                .replace("sources: [10.0.2.0/24]", "sources: [10.0.2.0/33]");
        assertThatThrownBy(() -> TableFile.parse("t.yaml", inverted, TableFormat.YAML))
                .isInstanceOfSatisfying(TableRefusedException.class, e -> {
                    assertThat(e.problems())
                            .extracting(DocumentProblem::pointer)
                            .contains("/ports/0/natGateway/portMax", "/ports/0/natGateway/sources/0");
                });
    }

    @Test
    void refusesADefaultRouteToAnotherRouterAtItsVni() {
        String otherRouter = WITH_NAT.replace(
                "  - vni: 100\n    cidrBlock: 10.0.1.0/24\n    gatewayIp: 10.0.1.1\n    routerId: r1",
                "  - vni: 100\n    cidrBlock: 10.0.1.0/24\n    gatewayIp: 10.0.1.1\n    routerId: public");

        assertThat(otherRouter).isNotEqualTo(WITH_NAT);
        assertThatThrownBy(() -> TableFile.parse("t.yaml", otherRouter, TableFormat.YAML))
                .isInstanceOfSatisfying(TableRefusedException.class, e -> {
                    assertThat(e.first().pointer()).isEqualTo("/segments/1/defaultRoute/vni");
                    assertThat(e.first().line()).isEqualTo(13);
                    assertThat(e.first().message())
                            .isEqualTo("vni 100 belongs to router 'public', not to this segment's router 'r1'");
                });
    }
}
