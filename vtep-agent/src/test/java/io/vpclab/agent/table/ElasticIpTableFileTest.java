package io.vpclab.agent.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.net.Ipv4Address;
import org.junit.jupiter.api.Test;

/** The provider segment and per-port elastic IPs of the contract, read and translated. */
class ElasticIpTableFileTest {

    static final String WITH_EIP = """
            host:
              underlayIp: 192.168.77.1
            segments:
              - vni: 100
                cidrBlock: 10.100.0.0/24
                gatewayIp: 10.100.0.1
                routerId: r1
              - vni: 16777000
                gatewayIp: 198.51.100.1
                routerId: public
                provider: true
            ports:
              - id: web
                kind: simulated
                vni: 100
                mac: 02:00:0a:64:00:05
                ipAddress: 10.100.0.5
                elasticIp:
                  publicIp: 203.0.113.10
                  ingressPolicy: ALLOW_ALL
            routers:
              - id: r1
                mac: 02:00:00:00:01:01
                routes:
                  - destination: 10.100.0.0/24
                    vni: 100
              - id: public
                mac: 02:00:00:00:01:fe
                routes:
                  - destination: 203.0.113.0/24
                    vni: 16777000
            """;

    @Test
    void translatesTheProviderSegmentAndThePortsElasticIp() {
        ForwardingState state =
                TableTranslator.translate("t.yaml", TableFile.parse("t.yaml", WITH_EIP, TableFormat.YAML));

        assertThat(state.publicSegment()).isEqualTo(state.segmentIndexOf(16_777_000));
        int eip = state.elasticIpByPublic(Ipv4Address.parseBits("203.0.113.10"));
        assertThat(eip).isNotEqualTo(ForwardingState.NONE);
        assertThat(state.elasticIps().get(eip).privateIp()).isEqualTo(Ipv4Address.parse("10.100.0.5"));
        assertThat(state.elasticIps().get(eip).ingress()).isEqualTo(IngressPolicy.ALLOW_ALL);
    }

    @Test
    void theIngressPolicyDefaultsToDenyAll() {
        String text = WITH_EIP.replace("      ingressPolicy: ALLOW_ALL\n", "");
        ForwardingState state = TableTranslator.translate("t.yaml", TableFile.parse("t.yaml", text, TableFormat.YAML));

        assertThat(state.elasticIps().get(0).ingress()).isEqualTo(IngressPolicy.DENY_ALL);
    }

    @Test
    void refusesAnElasticIpWithoutAProviderSegmentAtThePort() {
        String text = WITH_EIP.replace("    provider: true\n", "");

        assertThatThrownBy(() -> TableFile.parse("t.yaml", text, TableFormat.YAML))
                .isInstanceOfSatisfying(TableRefusedException.class, e -> {
                    assertThat(e.first().pointer()).isEqualTo("/ports/0/elasticIp");
                    assertThat(e.first().message()).contains("needs a provider segment");
                });
    }

    @Test
    void refusesAnUnroutedProviderSegmentAndABadPublicIp() {
        String text = WITH_EIP.replace("    routerId: public\n", "")
                .replace("gatewayIp: 198.51.100.1", "cidrBlock: 198.51.100.0/24")
                .replace("publicIp: 203.0.113.10", "publicIp: 203.0.113.300");

        assertThatThrownBy(() -> TableFile.parse("t.yaml", text, TableFormat.YAML))
                .isInstanceOfSatisfying(
                        TableRefusedException.class,
                        e -> assertThat(e.getMessage())
                                .contains("the provider segment must be routed")
                                .contains("'203.0.113.300' is not an IPv4 address"));
    }
}
