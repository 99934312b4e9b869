package io.vpclab.agent.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.dataplane.table.WhitelistRule;
import io.vpclab.net.Ipv4Address;
import org.junit.jupiter.api.Test;

/** Whitelists of the contract table and an elastic IP whose ingress names one, read and translated. */
class WhitelistTableFileTest {

    static final String WITH_WHITELIST = ElasticIpTableFileTest.WITH_EIP.replace(
                    "      ingressPolicy: ALLOW_ALL\n", "      ingressPolicy: WHITELIST\n      whitelistId: wl-1\n")
            + """
            whitelists:
              - id: wl-1
                rules:
                  - id: ssh
                    protocol: TCP
                    cidrBlock: 198.51.100.0/24
                    fromPort: 22
                    toPort: 22
                  - id: dns
                    protocol: UDP
                    cidrBlock: 0.0.0.0/0
                    fromPort: 53
                  - id: web
                    protocol: TCP
                    cidrBlock: 0.0.0.0/0
                  - id: ping
                    protocol: ICMP
                    cidrBlock: 192.0.2.0/24
            """;

    @Test
    void translatesTheWhitelistAndTheElasticIpThatUsesIt() {
        ForwardingState state =
                TableTranslator.translate("t.yaml", TableFile.parse("t.yaml", WITH_WHITELIST, TableFormat.YAML));

        int eip = state.elasticIpByPublic(Ipv4Address.parseBits("203.0.113.10"));
        int wl = state.whitelistIndexOf("wl-1");
        assertThat(state.elasticIps().get(eip).ingress()).isEqualTo(IngressPolicy.WHITELIST);
        assertThat(state.elasticIpWhitelist(eip)).isEqualTo(wl);
        assertThat(state.whitelists().get(wl).rules())
                .extracting(WhitelistRule::id)
                .containsExactly("ssh", "dns", "web", "ping");
        assertThat(state.whitelists().get(wl).rules().get(1).toPort())
                .as("one bound alone: that port")
                .isEqualTo(53);
        assertThat(state.whitelists().get(wl).rules().get(2).toPort())
                .as("no ports: every port")
                .isEqualTo(65535);
        assertThat(state.whitelistMatch(wl, IpProtocol.TCP_VALUE, Ipv4Address.parseBits("198.51.100.7"), 22))
                .isZero();
        assertThat(state.whitelistMatch(wl, IpProtocol.ICMP_VALUE, Ipv4Address.parseBits("192.0.2.9"), 0))
                .isEqualTo(3);
    }

    @Test
    void refusesAnUnknownWhitelistAndBadRulesWithTheirPaths() {
        String text = WITH_WHITELIST
                .replace("whitelistId: wl-1", "whitelistId: wl-9")
                .replace("fromPort: 22\n        toPort: 22", "fromPort: 22\n        toPort: 21")
                .replace("cidrBlock: 192.0.2.0/24", "cidrBlock: 192.0.2.0/24\n        fromPort: 8")
                .replace("- id: web", "- id: ssh");

        assertThatThrownBy(() -> TableFile.parse("t.yaml", text, TableFormat.YAML))
                .isInstanceOfSatisfying(
                        TableRefusedException.class,
                        e -> assertThat(e.getMessage())
                                .contains("unknown whitelist 'wl-9'")
                                .contains("port range 22-21 is inverted")
                                .contains("ports apply to TCP and UDP only, not to ICMP")
                                .contains("duplicate rule id 'ssh'"));
    }

    @Test
    void refusesAWhitelistIdWithoutTheWhitelistPolicy() {
        String text = WITH_WHITELIST.replace("ingressPolicy: WHITELIST", "ingressPolicy: ALLOW_ALL");

        assertThatThrownBy(() -> TableFile.parse("t.yaml", text, TableFormat.YAML))
                .isInstanceOfSatisfying(TableRefusedException.class, e -> {
                    assertThat(e.first().pointer()).isEqualTo("/ports/0/elasticIp/whitelistId");
                    assertThat(e.first().message()).contains("goes with ingressPolicy WHITELIST only");
                });
    }
}
