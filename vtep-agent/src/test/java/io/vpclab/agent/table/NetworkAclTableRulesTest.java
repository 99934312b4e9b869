package io.vpclab.agent.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.TableNetworkAcl;
import io.vpclab.client.model.TableNetworkAclEntry;
import io.vpclab.client.model.TableNetworkAclEntry.ActionEnum;
import io.vpclab.client.model.TableNetworkAclEntry.ProtocolEnum;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.NetworkAclLookup;
import io.vpclab.net.Ipv4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The table's network ACL section: every refusal with its pointer, and what the data plane builds from it. */
class NetworkAclTableRulesTest {

    private static TableNetworkAclEntry entry(int number, boolean egress, ActionEnum action, ProtocolEnum protocol) {
        return new TableNetworkAclEntry()
                .ruleNumber(number)
                .egress(egress)
                .action(action)
                .protocol(protocol)
                .cidrBlock("0.0.0.0/0");
    }

    /** TableValidatorTest's valid table; segment 1 uses acl-1: deny ssh (10), allow TCP (100) in; allow all out. */
    static ForwardingTable valid() {
        ForwardingTable table = TableValidatorTest.valid()
                .addNetworkAclsItem(new TableNetworkAcl()
                        .id("acl-1")
                        .entries(new ArrayList<>(List.of(
                                entry(100, false, ActionEnum.ALLOW, ProtocolEnum.TCP)
                                        .fromPort(0)
                                        .toPort(65535),
                                entry(10, false, ActionEnum.DENY, ProtocolEnum.TCP)
                                        .fromPort(22)
                                        .toPort(22),
                                entry(100, true, ActionEnum.ALLOW, ProtocolEnum.ALL)))));
        table.getSegments().get(0).networkAclId("acl-1");
        return table;
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(
                        "unknown ACL on a segment",
                        (UnaryOperator<ForwardingTable>) t -> {
                            t.getSegments().get(1).networkAclId("acl-9");
                            return t;
                        },
                        "/segments/1/networkAclId",
                        "unknown network ACL 'acl-9'"),
                Arguments.of(
                        "duplicate ACL id",
                        (UnaryOperator<ForwardingTable>) t -> t.addNetworkAclsItem(new TableNetworkAcl().id("acl-1")),
                        "/networkAcls/1/id",
                        "duplicate network ACL id"),
                Arguments.of(
                        "duplicate number in a direction",
                        (UnaryOperator<ForwardingTable>) t -> {
                            t.getNetworkAcls()
                                    .get(0)
                                    .addEntriesItem(entry(10, false, ActionEnum.ALLOW, ProtocolEnum.ALL));
                            return t;
                        },
                        "/networkAcls/0/entries/3/ruleNumber",
                        "duplicate ingress entry 10"),
                Arguments.of(
                        "number beyond 32766 (32767 is the final deny)",
                        (UnaryOperator<ForwardingTable>) t -> {
                            t.getNetworkAcls()
                                    .get(0)
                                    .addEntriesItem(entry(32767, true, ActionEnum.DENY, ProtocolEnum.ALL));
                            return t;
                        },
                        "/networkAcls/0/entries/3/ruleNumber",
                        "32766"),
                Arguments.of(
                        "inverted port range",
                        (UnaryOperator<ForwardingTable>) t -> {
                            t.getNetworkAcls()
                                    .get(0)
                                    .addEntriesItem(entry(5, true, ActionEnum.ALLOW, ProtocolEnum.UDP)
                                            .fromPort(9)
                                            .toPort(8));
                            return t;
                        },
                        "/networkAcls/0/entries/3",
                        "inverted"),
                Arguments.of(
                        "host bits in the CIDR",
                        (UnaryOperator<ForwardingTable>) t -> {
                            t.getNetworkAcls().get(0).getEntries().get(2).cidrBlock("10.0.0.1/16");
                            return t;
                        },
                        "/networkAcls/0/entries/2/cidrBlock",
                        ""),
                Arguments.of(
                        "no action",
                        (UnaryOperator<ForwardingTable>) t -> {
                            t.getNetworkAcls().get(0).getEntries().get(2).action(null);
                            return t;
                        },
                        "/networkAcls/0/entries/2/action",
                        "is required"));
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
    void theDataPlaneEvaluatesEntriesByNumberAndEndsWithTheFinalDeny() {
        ForwardingState state = TableTranslator.translate("test", valid());
        NetworkAclLookup acls = state.networkAcls();
        int acl = acls.aclOfVni(TableValidatorTest.VNI);
        int tcp = IpProtocol.TCP_VALUE;
        int remote = Ipv4Address.parseBits("192.0.2.7");

        int ssh = acls.evaluate(acl, false, tcp, remote, 22, 0);
        assertThat(acls.entryLabel(ssh)).isEqualTo("ingress/10");
        assertThat(acls.allows(ssh)).isFalse();
        assertThat(acls.entryLabel(acls.evaluate(acl, false, tcp, remote, 443, 0)))
                .isEqualTo("ingress/100");
        assertThat(acls.evaluate(acl, false, IpProtocol.UDP_VALUE, remote, 53, 0))
                .isEqualTo(NetworkAclLookup.FINAL_DENY);
        assertThat(acls.allows(acls.evaluate(acl, true, IpProtocol.UDP_VALUE, remote, 53, 0)))
                .isTrue();
        assertThat(acls.aclOfVni(2)).as("segment 2 has no ACL").isEqualTo(ForwardingState.NONE);
    }
}
