package io.vpclab.controlplane.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.GroupMember;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.TableDelta;
import io.vpclab.client.model.TableSecurityGroup;
import io.vpclab.client.model.TableSecurityGroupRule;
import io.vpclab.client.table.TableDiff;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class SecurityGroupCompilerTest {

    private static final SecurityGroupNode.Rule ALL_OUT =
            new SecurityGroupNode.Rule("sgr-out", "ALL", null, null, "0.0.0.0/0", null);

    /**
     * web-1 on h1 (group web), db-1 on h2 (group db, whose {@code rulesNamingWeb} ingress rules all
     * name web), other-1 on h3 (group misc, or misc and web once it joins web).
     */
    private static NetworkSnapshot network(int rulesNamingWeb, boolean otherJoinsWeb) {
        List<SecurityGroupNode.Rule> dbIngress = new ArrayList<>();
        for (int i = 0; i < rulesNamingWeb; i++) {
            dbIngress.add(new SecurityGroupNode.Rule("sgr-db-" + i, "TCP", 5000 + i, 5000 + i, null, "sg-web"));
        }
        dbIngress.add(new SecurityGroupNode.Rule("sgr-db-ssh", "TCP", 22, 22, "192.0.2.0/24", null));
        // a rule naming a group no VPC of the host has (its peering is gone): left out of the table
        dbIngress.add(new SecurityGroupNode.Rule("sgr-db-stale", "ALL", null, null, null, "sg-gone"));
        List<String> webMembers = otherJoinsWeb ? List.of("web-1", "other-1") : List.of("web-1");
        return new Networks()
                .host("h1", "192.168.77.1")
                .host("h2", "192.168.77.2")
                .host("h3", "192.168.77.3")
                .vpc("vpc-a", "t1")
                .subnet("vpc-a", "subnet-a", "10.0.1.0/24")
                .instance("vpc-a", "subnet-a", "web-1", "h1", "10.0.1.10")
                .instance("vpc-a", "subnet-a", "db-1", "h2", "10.0.1.20")
                .instance("vpc-a", "subnet-a", "other-1", "h3", "10.0.1.30")
                .securityGroup("vpc-a", new SecurityGroupNode("sg-web", List.of(), List.of(ALL_OUT), webMembers))
                .securityGroup("vpc-a", new SecurityGroupNode("sg-db", dbIngress, List.of(ALL_OUT), List.of("db-1")))
                .securityGroup(
                        "vpc-a",
                        new SecurityGroupNode(
                                "sg-misc",
                                List.of(new SecurityGroupNode.Rule("sgr-misc", "ICMP", 8, -1, "10.0.0.0/16", null)),
                                List.of(),
                                List.of("other-1")))
                .build();
    }

    @Test
    void aHostGetsItsPortsGroupsWithRulesAndThePeerGroupsMembersWithoutTheirRules() {
        ForwardingTable db = ForwardingTableCompiler.compile(network(2, false), "h2", 1);

        assertThat(db.getPorts())
                .singleElement()
                .extracting(Port::getSecurityGroupIds)
                .isEqualTo(List.of("sg-db"));
        assertThat(db.getSecurityGroups()).extracting(TableSecurityGroup::getId).containsExactly("sg-db", "sg-web");
        TableSecurityGroup dbGroup = db.getSecurityGroups().get(0);
        assertThat(dbGroup.getIngress())
                .extracting(TableSecurityGroupRule::getId)
                .containsExactly("sgr-db-0", "sgr-db-1", "sgr-db-ssh");
        assertThat(dbGroup.getIngress().get(0).getGroupId()).isEqualTo("sg-web");
        assertThat(dbGroup.getIngress().get(2).getCidrBlock()).isEqualTo("192.0.2.0/24");
        assertThat(dbGroup.getEgress())
                .extracting(TableSecurityGroupRule::getCidrBlock)
                .containsExactly("0.0.0.0/0");
        TableSecurityGroup webHere = db.getSecurityGroups().get(1);
        assertThat(webHere.getIngress()).isEmpty();
        assertThat(webHere.getEgress()).isEmpty();
        assertThat(db.getGroupMembers())
                .containsExactly(new GroupMember().groupId("sg-web").ipAddress("10.0.1.10"));

        // web's rules name no group: its host needs no members, and never sees db's rules
        ForwardingTable web = ForwardingTableCompiler.compile(network(2, false), "h1", 1);
        assertThat(web.getSecurityGroups())
                .extracting(TableSecurityGroup::getId)
                .containsExactly("sg-web");
        assertThat(web.getGroupMembers()).isEmpty();
    }

    @Test
    void joiningAGroupChangesOneMemberEntryOnHostsWhoseRulesNameItWhateverTheirNumber() {
        for (int rulesNamingWeb : List.of(1, 40)) {
            TableDelta onDbHost = delta(rulesNamingWeb, "h2");
            assertThat(onDbHost.getUpsert().getGroupMembers())
                    .as("%d rules name the group", rulesNamingWeb)
                    .containsExactly(new GroupMember().groupId("sg-web").ipAddress("10.0.1.30"));
            assertThat(onDbHost.getUpsert().getSecurityGroups()).isEmpty();
            assertThat(onDbHost.getUpsert().getPorts()).isEmpty();
            onDbHost.getUpsert().setGroupMembers(List.of());
            assertThat(TableDiff.isEmpty(onDbHost)).isTrue();

            // no rule on web's host names web: nothing changes there
            assertThat(TableDiff.isEmpty(delta(rulesNamingWeb, "h1"))).isTrue();

            // the member's own host: its port carries web, and web's rules come along
            TableDelta onMembersHost = delta(rulesNamingWeb, "h3");
            assertThat(onMembersHost.getUpsert().getPorts())
                    .singleElement()
                    .extracting(Port::getSecurityGroupIds)
                    .isEqualTo(List.of("sg-misc", "sg-web"));
            assertThat(onMembersHost.getUpsert().getSecurityGroups())
                    .extracting(TableSecurityGroup::getId)
                    .containsExactly("sg-web");
            assertThat(onMembersHost.getUpsert().getGroupMembers()).isEmpty();
        }
    }

    @Test
    void leavingAGroupRemovesItsMemberEntryByKey() {
        TableDelta delta = TableDiff.between(
                ForwardingTableCompiler.compile(network(3, true), "h2", 1),
                ForwardingTableCompiler.compile(network(3, false), "h2", 2));
        assertThat(delta.getRemove().getGroupMembers())
                .containsExactly(new GroupMember().groupId("sg-web").ipAddress("10.0.1.30"));
        assertThat(delta.getUpsert().getGroupMembers()).isEmpty();
        ForwardingTable applied = TableDiff.apply(ForwardingTableCompiler.compile(network(3, true), "h2", 1), delta);
        assertThat(applied).isEqualTo(ForwardingTableCompiler.compile(network(3, false), "h2", 2));
    }

    /**
     * Peering predates security groups: a port whose only group is its VPC's default group admits
     * the active peers' subnets through a group of its own; a port with a group of the user's
     * choice does not (the user writes the peer rules there).
     */
    @Test
    void aDefaultGroupPortAdmitsItsPeersSubnetsAndAPortWithItsOwnGroupDoesNot() {
        NetworkSnapshot network = new Networks()
                .host("h1", "192.168.77.1")
                .host("h2", "192.168.77.2")
                .vpc("vpc-a", "t1")
                .subnet("vpc-a", "subnet-a", "10.0.1.0/24")
                .instance("vpc-a", "subnet-a", "a-1", "h1", "10.0.1.10")
                .vpc("vpc-b", "t1")
                .subnet("vpc-b", "subnet-b", "10.1.1.0/24")
                .instance("vpc-b", "subnet-b", "b-1", "h2", "10.1.1.10")
                .instance("vpc-b", "subnet-b", "b-2", "h2", "10.1.1.20")
                .peering("vpc-a", "vpc-b")
                .securityGroup(
                        "vpc-a", new SecurityGroupNode("sg-a", List.of(), List.of(ALL_OUT), List.of("a-1"), true))
                .securityGroup(
                        "vpc-b", new SecurityGroupNode("sg-b", List.of(), List.of(ALL_OUT), List.of("b-1"), true))
                .securityGroup("vpc-b", new SecurityGroupNode("sg-b-web", List.of(), List.of(ALL_OUT), List.of("b-2")))
                .build();

        ForwardingTable b = ForwardingTableCompiler.compile(network, "h2", 1);

        assertThat(b.getPorts())
                .extracting(Port::getId, Port::getSecurityGroupIds)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("b-1", List.of("sg-b", "peering-ingress:vpc-b")),
                        org.assertj.core.groups.Tuple.tuple("b-2", List.of("sg-b-web")));
        TableSecurityGroup peering = b.getSecurityGroups().stream()
                .filter(g -> g.getId().equals("peering-ingress:vpc-b"))
                .findFirst()
                .orElseThrow();
        assertThat(peering.getIngress())
                .extracting(TableSecurityGroupRule::getCidrBlock)
                .containsExactly("10.0.1.0/24");
        assertThat(peering.getEgress()).isEmpty();
    }

    /**
     * An elastic IP's ingress policy admits what it says into a port of the default group only (what
     * instances had before groups); a port whose groups were chosen gets exactly its groups, so a
     * web group admitting 80 is not widened by an ALLOW_ALL elastic IP.
     */
    @Test
    void anElasticIpPolicyAdmitsIntoDefaultGroupPortsOnly() {
        NetworkSnapshot network = new Networks()
                .host("h1", "192.168.77.1")
                .vpc("vpc-a", "t1")
                .subnet("vpc-a", "subnet-a", "10.0.1.0/24")
                .instance("vpc-a", "subnet-a", "plain-1", "h1", "10.0.1.10")
                .instance("vpc-a", "subnet-a", "web-1", "h1", "10.0.1.20")
                .elasticIp("vpc-a", new ElasticIpNode("203.0.113.10", "plain-1", "ALLOW_ALL", null))
                .elasticIp("vpc-a", new ElasticIpNode("203.0.113.20", "web-1", "ALLOW_ALL", null))
                .securityGroup(
                        "vpc-a", new SecurityGroupNode("sg-a", List.of(), List.of(ALL_OUT), List.of("plain-1"), true))
                .securityGroup(
                        "vpc-a",
                        new SecurityGroupNode(
                                "sg-web",
                                List.of(new SecurityGroupNode.Rule("sgr-http", "TCP", 80, 80, "0.0.0.0/0", null)),
                                List.of(ALL_OUT),
                                List.of("web-1")))
                .build();

        ForwardingTable table = ForwardingTableCompiler.compile(network, "h1", 1);

        assertThat(table.getPorts())
                .extracting(Port::getId, Port::getSecurityGroupIds)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("plain-1", List.of("sg-a", "eip-ingress:203.0.113.10")),
                        org.assertj.core.groups.Tuple.tuple("web-1", List.of("sg-web")));
        assertThat(table.getSecurityGroups())
                .extracting(TableSecurityGroup::getId)
                .doesNotContain("eip-ingress:203.0.113.20");
    }

    /**
     * The bytes the table stream carries (JSON as the southbound writes it: empty values left out)
     * to the host whose rules name the group when one instance joins it: the same for 1 and 1,000
     * rules naming the group.
     */
    @Test
    void theBytesPushedWhenAnInstanceJoinsAGroupDoNotGrowWithTheRulesNamingIt() {
        JsonMapper json = JsonMapper.builder()
                .changeDefaultPropertyInclusion(
                        inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_EMPTY))
                .build();
        int one = json.writeValueAsString(delta(1, "h2")).length();
        int thousand = json.writeValueAsString(delta(1_000, "h2")).length();

        assertThat(thousand).isEqualTo(one).isEqualTo(PUSHED_BYTES_WHEN_JOINING);
    }

    /** Measured: the delta {generation, baseGeneration, upsert: {groupMembers: [one entry]}}. */
    private static final int PUSHED_BYTES_WHEN_JOINING = 120;

    private static TableDelta delta(int rulesNamingWeb, String hostId) {
        ForwardingTable before = ForwardingTableCompiler.compile(network(rulesNamingWeb, false), hostId, 1);
        ForwardingTable after = ForwardingTableCompiler.compile(network(rulesNamingWeb, true), hostId, 2);
        TableDelta delta = TableDiff.between(before, after);
        assertThat(TableDiff.apply(before, delta)).isEqualTo(after);
        return delta;
    }
}
