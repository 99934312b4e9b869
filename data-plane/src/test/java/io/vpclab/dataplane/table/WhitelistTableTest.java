package io.vpclab.dataplane.table;

import static io.vpclab.dataplane.table.ElasticIpTableTest.EIP;
import static io.vpclab.dataplane.table.ElasticIpTableTest.PRIVATE;
import static io.vpclab.dataplane.table.ElasticIpTableTest.PUBLIC;
import static io.vpclab.dataplane.table.ElasticIpTableTest.withPublicSegment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import java.util.List;
import org.junit.jupiter.api.Test;

class WhitelistTableTest {

    static final WhitelistRule SSH =
            new WhitelistRule("ssh", WhitelistProtocol.TCP, Ipv4Prefix.parse("198.51.100.0/24"), 22, 22);
    static final WhitelistRule HIGH =
            new WhitelistRule("high", WhitelistProtocol.UDP, Ipv4Prefix.parse("0.0.0.0/0"), 1024, 65535);
    static final WhitelistRule ICMP =
            WhitelistRule.anyPort("icmp", WhitelistProtocol.ICMP, Ipv4Prefix.parse("192.0.2.7/32"));
    static final WhitelistRule ANY =
            WhitelistRule.anyPort("any", WhitelistProtocol.ALL, Ipv4Prefix.parse("203.0.113.0/24"));

    static ForwardingState withWhitelist(WhitelistRule... rules) {
        return withPublicSegment()
                .publicVni(PUBLIC)
                .whitelist(new Whitelist("wl", List.of(rules)))
                .elasticIp(new ElasticIp(EIP, ForwardingStateTest.VNI, PRIVATE, IngressPolicy.WHITELIST, "wl"))
                .build();
    }

    static int ip(String text) {
        return Ipv4Address.parse(text).bits();
    }

    @Test
    void aNewFlowMatchesTheFirstRuleOfItsProtocolAddressAndPort() {
        ForwardingState state = withWhitelist(SSH, HIGH, ICMP, ANY);
        int wl = state.whitelistIndexOf("wl");

        assertThat(state.elasticIpWhitelist(state.elasticIpByPublic(EIP.bits())))
                .isEqualTo(wl);
        assertThat(state.whitelistMatch(wl, IpProtocol.TCP_VALUE, ip("198.51.100.9"), 22))
                .isEqualTo(0);
        assertThat(state.whitelistMatch(wl, IpProtocol.TCP_VALUE, ip("198.51.100.9"), 23))
                .isEqualTo(ForwardingState.NONE);
        assertThat(state.whitelistMatch(wl, IpProtocol.TCP_VALUE, ip("198.51.101.9"), 22))
                .isEqualTo(ForwardingState.NONE);
        assertThat(state.whitelistMatch(wl, IpProtocol.UDP_VALUE, ip("198.51.100.9"), 22))
                .as("UDP is not TCP")
                .isEqualTo(ForwardingState.NONE);
        assertThat(state.whitelistMatch(wl, IpProtocol.UDP_VALUE, ip("8.8.8.8"), 1024))
                .isEqualTo(1);
        assertThat(state.whitelistMatch(wl, IpProtocol.UDP_VALUE, ip("8.8.8.8"), 65535))
                .isEqualTo(1);
        assertThat(state.whitelistMatch(wl, IpProtocol.UDP_VALUE, ip("8.8.8.8"), 1023))
                .isEqualTo(ForwardingState.NONE);
        assertThat(state.whitelistMatch(wl, IpProtocol.ICMP_VALUE, ip("192.0.2.7"), 0))
                .isEqualTo(2);
        assertThat(state.whitelistMatch(wl, IpProtocol.ICMP_VALUE, ip("192.0.2.8"), 0))
                .isEqualTo(ForwardingState.NONE);
        assertThat(state.whitelistMatch(wl, 47, ip("203.0.113.200"), 0))
                .as("ALL: any protocol")
                .isEqualTo(3);
        assertThat(state.whitelistMatch(wl, IpProtocol.TCP_VALUE, ip("203.0.113.200"), 22))
                .isEqualTo(3);
    }

    @Test
    void anEmptyWhitelistAdmitsNothing() {
        ForwardingState state = withWhitelist();

        assertThat(state.whitelistMatch(0, IpProtocol.TCP_VALUE, ip("198.51.100.9"), 22))
                .isEqualTo(ForwardingState.NONE);
        assertThat(state.elasticIpAllowsAll(0)).isFalse();
    }

    @Test
    void badWhitelistEntriesAreRefusedByName() {
        assertThatThrownBy(() -> new ElasticIp(EIP, PUBLIC, PRIVATE, IngressPolicy.WHITELIST))
                .hasMessageContaining("whitelistId goes with ingress WHITELIST");
        assertThatThrownBy(() -> new ElasticIp(EIP, PUBLIC, PRIVATE, IngressPolicy.ALLOW_ALL, "wl"))
                .hasMessageContaining("whitelistId goes with ingress WHITELIST");
        assertThatThrownBy(() -> withPublicSegment()
                        .publicVni(PUBLIC)
                        .elasticIp(
                                new ElasticIp(EIP, ForwardingStateTest.VNI, PRIVATE, IngressPolicy.WHITELIST, "nope"))
                        .build())
                .hasMessage(
                        "elasticIp 203.0.113.10: whitelist nope is not in this table (build only validated tables)");
        assertThatThrownBy(() -> new Whitelist("wl", List.of(SSH, SSH)))
                .hasMessageContaining("rule ssh is listed twice");
        assertThatThrownBy(() -> new WhitelistRule("r", WhitelistProtocol.TCP, Ipv4Prefix.parse("0.0.0.0/0"), 90, 80))
                .hasMessageContaining("port range 90-80");
        assertThatThrownBy(() -> new WhitelistRule("r", WhitelistProtocol.UDP, Ipv4Prefix.parse("0.0.0.0/0"), 0, 65536))
                .hasMessageContaining("port range 0-65536");
        assertThatThrownBy(() -> new WhitelistRule("r", WhitelistProtocol.ICMP, Ipv4Prefix.parse("0.0.0.0/0"), 8, 8))
                .hasMessageContaining("ports apply to TCP and UDP only");
        assertThatThrownBy(
                        () -> new WhitelistRule(null, WhitelistProtocol.ICMP, Ipv4Prefix.parse("0.0.0.0/0"), 0, 65535))
                .hasMessageContaining("whitelist rule id");
    }
}
