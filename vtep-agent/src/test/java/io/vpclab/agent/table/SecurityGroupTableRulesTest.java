package io.vpclab.agent.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.GroupMember;
import io.vpclab.client.model.TableSecurityGroup;
import io.vpclab.client.model.TableSecurityGroupRule;
import io.vpclab.client.model.TableSecurityGroupRule.ProtocolEnum;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.SecurityPolicyLookup;
import io.vpclab.net.Ipv4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The table's security group sections: every refusal with its pointer, and what the data plane builds from them. */
class SecurityGroupTableRulesTest {

    private static TableSecurityGroupRule rule(String id, ProtocolEnum protocol, Integer from, Integer to) {
        return new TableSecurityGroupRule()
                .id(id)
                .protocol(protocol)
                .fromPort(from)
                .toPort(to);
    }

    /** TableValidatorTest's valid table; port p1 carries sg-db, whose rules admit postgres from sg-app's members. */
    static ForwardingTable valid() {
        ForwardingTable table = TableValidatorTest.valid()
                .addSecurityGroupsItem(new TableSecurityGroup()
                        .id("sg-db")
                        .ingress(new ArrayList<>(List.of(
                                rule("pg", ProtocolEnum.TCP, 5432, 5432).groupId("sg-app"),
                                rule("ping", ProtocolEnum.ICMP, 8, null).cidrBlock("10.0.0.0/16"))))
                        .egress(new ArrayList<>(List.of(
                                rule("out", ProtocolEnum.ALL, null, null).cidrBlock("0.0.0.0/0")))))
                .addSecurityGroupsItem(new TableSecurityGroup().id("sg-app"))
                .addGroupMembersItem(new GroupMember().groupId("sg-app").ipAddress("10.0.2.10"));
        table.getPorts().get(0).securityGroupIds(new ArrayList<>(List.of("sg-db")));
        return table;
    }

    private static TableSecurityGroupRule firstIngress(ForwardingTable table) {
        return table.getSecurityGroups().get(0).getIngress().get(0);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                refusal(
                        "duplicate group id",
                        t -> t.addSecurityGroupsItem(new TableSecurityGroup().id("sg-app")),
                        "/securityGroups/2/id",
                        "duplicate security group id 'sg-app'"),
                refusal(
                        "group without id",
                        t -> t.addSecurityGroupsItem(new TableSecurityGroup()),
                        "/securityGroups/2/id",
                        "required"),
                refusal(
                        "rule naming an unknown group",
                        t -> {
                            firstIngress(t).groupId("sg-gone");
                            return t;
                        },
                        "/securityGroups/0/ingress/0/groupId",
                        "unknown security group 'sg-gone'"),
                refusal(
                        "rule with two peers",
                        t -> {
                            firstIngress(t).cidrBlock("10.0.0.0/8");
                            return t;
                        },
                        "/securityGroups/0/ingress/0",
                        "exactly one peer"),
                refusal(
                        "rule without a peer",
                        t -> {
                            firstIngress(t).groupId(null);
                            return t;
                        },
                        "/securityGroups/0/ingress/0",
                        "exactly one peer"),
                refusal(
                        "cidr with host bits",
                        t -> {
                            t.getSecurityGroups().get(0).getIngress().get(1).cidrBlock("10.0.0.1/16");
                            return t;
                        },
                        "/securityGroups/0/ingress/1/cidrBlock",
                        "host bits"),
                refusal(
                        "cidr that is no prefix",
                        t -> {
                            t.getSecurityGroups().get(0).getIngress().get(1).cidrBlock("10.0.0.0/33");
                            return t;
                        },
                        "/securityGroups/0/ingress/1/cidrBlock",
                        "not an IPv4 prefix"),
                refusal(
                        "duplicate rule id across directions",
                        t -> {
                            t.getSecurityGroups().get(0).getEgress().get(0).id("pg");
                            return t;
                        },
                        "/securityGroups/0/egress/0/id",
                        "duplicate rule id 'pg'"),
                refusal(
                        "rule without protocol",
                        t -> {
                            firstIngress(t).protocol(null);
                            return t;
                        },
                        "/securityGroups/0/ingress/0/protocol",
                        "is required"),
                refusal(
                        "tcp port above 65535",
                        t -> {
                            firstIngress(t).toPort(65536);
                            return t;
                        },
                        "/securityGroups/0/ingress/0/toPort",
                        "must be 0..65535"),
                refusal(
                        "inverted tcp range",
                        t -> {
                            firstIngress(t).fromPort(6000);
                            return t;
                        },
                        "/securityGroups/0/ingress/0",
                        "inverted"),
                refusal(
                        "tcp without ports",
                        t -> {
                            firstIngress(t).fromPort(null);
                            return t;
                        },
                        "/securityGroups/0/ingress/0",
                        "need fromPort and toPort"),
                refusal(
                        "icmp type above 255",
                        t -> {
                            t.getSecurityGroups().get(0).getIngress().get(1).fromPort(256);
                            return t;
                        },
                        "/securityGroups/0/ingress/1/fromPort",
                        "must be -1..255"),
                refusal(
                        "icmp code without type",
                        t -> {
                            t.getSecurityGroups()
                                    .get(0)
                                    .getIngress()
                                    .get(1)
                                    .fromPort(-1)
                                    .toPort(3);
                            return t;
                        },
                        "/securityGroups/0/ingress/1/toPort",
                        "needs an ICMP type"),
                refusal(
                        "ports on ALL",
                        t -> {
                            t.getSecurityGroups()
                                    .get(0)
                                    .getEgress()
                                    .get(0)
                                    .fromPort(0)
                                    .toPort(80);
                            return t;
                        },
                        "/securityGroups/0/egress/0",
                        "not to ALL"),
                refusal(
                        "member of an unknown group",
                        t -> t.addGroupMembersItem(
                                new GroupMember().groupId("sg-x").ipAddress("10.0.2.11")),
                        "/groupMembers/1/groupId",
                        "unknown security group 'sg-x'"),
                refusal(
                        "member with a bad address",
                        t -> t.addGroupMembersItem(
                                new GroupMember().groupId("sg-app").ipAddress("10.0.2.300")),
                        "/groupMembers/1/ipAddress",
                        "not an IPv4 address"),
                refusal(
                        "duplicate member",
                        t -> t.addGroupMembersItem(
                                new GroupMember().groupId("sg-app").ipAddress("10.0.2.10")),
                        "/groupMembers/1",
                        "duplicate member 10.0.2.10"),
                refusal(
                        "port naming an unknown group",
                        t -> {
                            t.getPorts().get(0).addSecurityGroupIdsItem("sg-nope");
                            return t;
                        },
                        "/ports/0/securityGroupIds/1",
                        "unknown security group 'sg-nope'"),
                refusal(
                        "port naming a group twice",
                        t -> {
                            t.getPorts().get(0).addSecurityGroupIdsItem("sg-db");
                            return t;
                        },
                        "/ports/0/securityGroupIds/1",
                        "twice"));
    }

    private static Arguments refusal(
            String name, UnaryOperator<ForwardingTable> change, String pointer, String reason) {
        return Arguments.of(name, change, pointer, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesWithThePointerOfTheValue(
            String name, UnaryOperator<ForwardingTable> change, String pointer, String reason) {
        assertThat(TableValidator.validate(valid())).as("the base table alone").isEmpty();

        List<DocumentProblem> problems = TableValidator.validate(change.apply(valid()));

        assertThat(problems).as(problems.toString()).anySatisfy(p -> {
            assertThat(p.pointer()).isEqualTo(pointer);
            assertThat(p.message()).contains(reason);
        });
    }

    @Test
    void theDataPlaneGetsThePortsGroupsRulesAndMembers() {
        ForwardingState state = TableTranslator.translate("valid", valid());
        SecurityPolicyLookup policy = state.securityPolicy();
        int port = policy.port("p1");
        int member = Ipv4Address.parse("10.0.2.10").bits();
        int stranger = Ipv4Address.parse("10.0.2.11").bits();
        assertThat(policy.ruleId(policy.ingressRule(port, IpProtocol.TCP_VALUE, member, 5432, 0)))
                .isEqualTo("pg");
        assertThat(policy.ingressRule(port, IpProtocol.TCP_VALUE, stranger, 5432, 0))
                .isEqualTo(ForwardingState.NONE);
        // icmp type 8 without a code in the table means any code
        assertThat(policy.ruleId(policy.ingressRule(port, IpProtocol.ICMP_VALUE, stranger, 8, 5)))
                .isEqualTo("ping");
        assertThat(policy.ruleId(policy.egressRule(port, IpProtocol.UDP_VALUE, stranger, 53, 0)))
                .isEqualTo("out");

        assertThat(TableTranslator.translate("plain", TableValidatorTest.valid())
                        .securityPolicy()
                        .port("p1"))
                .isEqualTo(ForwardingState.NONE);
    }
}
