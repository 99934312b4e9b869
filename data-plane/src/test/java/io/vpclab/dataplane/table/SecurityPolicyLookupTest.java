package io.vpclab.dataplane.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityPolicyLookupTest {

    private static final int TCP = IpProtocol.TCP_VALUE;
    private static final int UDP = IpProtocol.UDP_VALUE;
    private static final int ICMP = IpProtocol.ICMP_VALUE;
    private static final int NONE = ForwardingState.NONE;

    private static int ip(String text) {
        return Ipv4Address.parse(text).bits();
    }

    private static SecurityGroupRule cidr(String id, WhitelistProtocol protocol, int from, int to, String cidr) {
        return new SecurityGroupRule(id, protocol, from, to, Ipv4Prefix.parse(cidr), null);
    }

    private static SecurityGroupRule group(String id, WhitelistProtocol protocol, int from, int to, String group) {
        return new SecurityGroupRule(id, protocol, from, to, null, group);
    }

    private static SecurityGroupMember member(String group, String address) {
        return new SecurityGroupMember(group, Ipv4Address.parse(address));
    }

    /** db: postgres from app's members, ssh from 192.0.2.0/24, pings (type 8); egress to 10.0.0.0/16 only. */
    private static final SecurityGroup DB = new SecurityGroup(
            "sg-db",
            List.of(
                    group("db-pg", WhitelistProtocol.TCP, 5432, 5432, "sg-app"),
                    cidr("db-ssh", WhitelistProtocol.TCP, 22, 22, "192.0.2.0/24"),
                    cidr("db-ping", WhitelistProtocol.ICMP, 8, -1, "10.0.0.0/16")),
            List.of(cidr("db-out", WhitelistProtocol.ALL, -1, -1, "10.0.0.0/16")));
    /** monitoring: everything over UDP 8125..8126 from anywhere, and ICMP unreachable/frag-needed (3/4) only. */
    private static final SecurityGroup MONITORING = new SecurityGroup(
            "sg-mon",
            List.of(
                    cidr("mon-statsd", WhitelistProtocol.UDP, 8125, 8126, "0.0.0.0/0"),
                    cidr("mon-fragneeded", WhitelistProtocol.ICMP, 3, 4, "0.0.0.0/0")),
            List.of());

    private static final SecurityGroup APP = new SecurityGroup("sg-app", List.of(), List.of());

    private static SecurityPolicyLookup policy(String... appMembers) {
        List<SecurityGroupMember> members = java.util.Arrays.stream(appMembers)
                .map(address -> member("sg-app", address))
                .toList();
        return new SecurityPolicyLookup(
                List.of(DB, MONITORING, APP),
                members,
                Map.of("port-db", List.of("sg-db", "sg-mon"), "port-app", List.of("sg-app")));
    }

    @Test
    void aGroupPeerMatchesItsMembersOnlyAndANewMemberIsAdmitted() {
        SecurityPolicyLookup before = policy("10.0.2.10", "10.0.2.11");
        int db = before.port("port-db");
        assertThat(before.ruleId(before.ingressRule(db, TCP, ip("10.0.2.11"), 5432, 0)))
                .isEqualTo("db-pg");
        assertThat(before.ingressRule(db, TCP, ip("10.0.2.12"), 5432, 0)).isEqualTo(NONE);
        assertThat(before.ingressRule(db, TCP, ip("10.0.2.10"), 5433, 0)).isEqualTo(NONE);
        assertThat(before.ingressRule(db, UDP, ip("10.0.2.10"), 5432, 0)).isEqualTo(NONE);

        SecurityPolicyLookup after = policy("10.0.2.10", "10.0.2.11", "10.0.2.12");
        assertThat(after.ruleId(after.ingressRule(after.port("port-db"), TCP, ip("10.0.2.12"), 5432, 0)))
                .isEqualTo("db-pg");
    }

    @Test
    void membersWithTheHighBitSetAreFoundInTheSortedSet() {
        // 200.x addresses are negative as ints: the set is sorted by signed bits, and searched the same way
        SecurityPolicyLookup policy = policy("200.1.1.1", "10.0.0.1", "255.255.255.254");
        int db = policy.port("port-db");
        for (String address : List.of("200.1.1.1", "10.0.0.1", "255.255.255.254")) {
            assertThat(policy.ingressRule(db, TCP, ip(address), 5432, 0)).isNotEqualTo(NONE);
        }
        assertThat(policy.ingressRule(db, TCP, ip("200.1.1.2"), 5432, 0)).isEqualTo(NONE);
    }

    @Test
    void cidrPortsAndProtocolsMatchAsTheRulesSay() {
        SecurityPolicyLookup policy = policy();
        int db = policy.port("port-db");
        assertThat(policy.ruleId(policy.ingressRule(db, TCP, ip("192.0.2.200"), 22, 0)))
                .isEqualTo("db-ssh");
        assertThat(policy.ingressRule(db, TCP, ip("192.0.3.1"), 22, 0)).isEqualTo(NONE);
        assertThat(policy.ingressRule(db, TCP, ip("192.0.2.200"), 23, 0)).isEqualTo(NONE);
        // ranges are inclusive at both ends; the second group of the port counts too
        assertThat(policy.ruleId(policy.ingressRule(db, UDP, ip("8.8.8.8"), 8125, 0)))
                .isEqualTo("mon-statsd");
        assertThat(policy.ruleId(policy.ingressRule(db, UDP, ip("8.8.8.8"), 8126, 0)))
                .isEqualTo("mon-statsd");
        assertThat(policy.ingressRule(db, UDP, ip("8.8.8.8"), 8127, 0)).isEqualTo(NONE);
    }

    @Test
    void icmpRulesMatchTypeAndCodeWithMinusOneForAny() {
        SecurityPolicyLookup policy = policy();
        int db = policy.port("port-db");
        assertThat(policy.ruleId(policy.ingressRule(db, ICMP, ip("10.0.9.9"), 8, 0)))
                .isEqualTo("db-ping");
        assertThat(policy.ruleId(policy.ingressRule(db, ICMP, ip("10.0.9.9"), 8, 77)))
                .isEqualTo("db-ping");
        assertThat(policy.ruleId(policy.ingressRule(db, ICMP, ip("10.0.9.9"), 3, 4)))
                .isEqualTo("mon-fragneeded");
        assertThat(policy.ingressRule(db, ICMP, ip("10.0.9.9"), 3, 3)).isEqualTo(NONE);
        assertThat(policy.ingressRule(db, ICMP, ip("10.0.9.9"), 0, 0)).isEqualTo(NONE);
        assertThat(policy.ingressRule(db, ICMP, ip("10.1.0.1"), 8, 0)).isEqualTo(NONE);
    }

    @Test
    void directionsAreApartAndAPortWithoutGroupsOrWithEmptyGroupsIsAdmittedByNothing() {
        SecurityPolicyLookup policy = policy("10.0.2.10");
        int db = policy.port("port-db");
        assertThat(policy.ruleId(policy.egressRule(db, UDP, ip("10.0.200.1"), 53, 0)))
                .isEqualTo("db-out");
        assertThat(policy.egressRule(db, UDP, ip("10.1.0.1"), 53, 0)).isEqualTo(NONE);
        // the ingress ssh rule does not admit an egress flow to the same peer
        assertThat(policy.egressRule(db, TCP, ip("192.0.2.1"), 22, 0)).isEqualTo(NONE);
        int app = policy.port("port-app");
        assertThat(policy.ingressRule(app, TCP, ip("10.0.2.10"), 5432, 0)).isEqualTo(NONE);
        assertThat(policy.egressRule(app, TCP, ip("10.0.2.10"), 5432, 0)).isEqualTo(NONE);
        assertThat(policy.port("port-elsewhere")).isEqualTo(NONE);
        assertThat(policy.ingressRule(NONE, TCP, ip("10.0.2.10"), 5432, 0)).isEqualTo(NONE);
        assertThat(SecurityPolicyLookup.EMPTY.port("port-db")).isEqualTo(NONE);
    }

    @Test
    void unknownGroupsAndDuplicatesAreRefused() {
        assertThatThrownBy(() -> new SecurityPolicyLookup(List.of(DB), List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sg-app");
        assertThatThrownBy(() -> new SecurityPolicyLookup(List.of(APP, APP), List.of(), Map.of()))
                .hasMessageContaining("duplicate security group sg-app");
        assertThatThrownBy(() -> new SecurityPolicyLookup(List.of(APP), List.of(member("sg-x", "10.0.0.1")), Map.of()))
                .hasMessageContaining("sg-x");
        assertThatThrownBy(() -> new SecurityPolicyLookup(List.of(APP), List.of(), Map.of("p", List.of("sg-y"))))
                .hasMessageContaining("sg-y");
    }

    @Test
    void rulesOutsideTheirProtocolsRangeAreRefused() {
        Ipv4Prefix any = Ipv4Prefix.parse("0.0.0.0/0");
        List<Runnable> bad = List.of(
                () -> new SecurityGroupRule("r", WhitelistProtocol.TCP, 10, 9, any, null),
                () -> new SecurityGroupRule("r", WhitelistProtocol.UDP, -1, 9, any, null),
                () -> new SecurityGroupRule("r", WhitelistProtocol.TCP, 0, 65536, any, null),
                () -> new SecurityGroupRule("r", WhitelistProtocol.ICMP, 256, -1, any, null),
                () -> new SecurityGroupRule("r", WhitelistProtocol.ICMP, -1, 3, any, null),
                () -> new SecurityGroupRule("r", WhitelistProtocol.ALL, 0, 65535, any, null),
                () -> new SecurityGroupRule("r", WhitelistProtocol.ALL, -1, -1, null, null),
                () -> new SecurityGroupRule("r", WhitelistProtocol.ALL, -1, -1, any, "sg-a"));
        for (Runnable rule : bad) {
            assertThatThrownBy(rule::run).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
