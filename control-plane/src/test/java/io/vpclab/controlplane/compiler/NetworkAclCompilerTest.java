package io.vpclab.controlplane.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.TableDelta;
import io.vpclab.client.model.TableNetworkAcl;
import io.vpclab.client.model.TableNetworkAclEntry;
import io.vpclab.client.table.TableDiff;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkAclCompilerTest {

    private static final NetworkAclNode.Entry ALLOW_ALL_IN =
            new NetworkAclNode.Entry(100, false, true, "ALL", null, null, "0.0.0.0/0");
    private static final NetworkAclNode.Entry ALLOW_ALL_OUT =
            new NetworkAclNode.Entry(100, true, true, "ALL", null, null, "0.0.0.0/0");

    /** web-1 (subnet-web, default ACL) on h1, db-1 (subnet-db, ACL acl-db) on h2. */
    private static NetworkSnapshot network(List<NetworkAclNode.Entry> dbEntries) {
        return new Networks()
                .host("h1", "192.168.77.1")
                .host("h2", "192.168.77.2")
                .vpc("vpc-a", "t1")
                .subnet("vpc-a", "subnet-web", "10.0.1.0/24")
                .subnet("vpc-a", "subnet-db", "10.0.2.0/24")
                .instance("vpc-a", "subnet-web", "web-1", "h1", "10.0.1.10")
                .instance("vpc-a", "subnet-db", "db-1", "h2", "10.0.2.20")
                .networkAcl(
                        "vpc-a",
                        new NetworkAclNode("acl-default", List.of(ALLOW_ALL_IN, ALLOW_ALL_OUT), List.of("subnet-web")))
                .networkAcl("vpc-a", new NetworkAclNode("acl-db", dbEntries, List.of("subnet-db")))
                .build();
    }

    @Test
    void aHostGetsTheAclsOfItsPortsSubnetsOnlyWithEntriesInEvaluationOrder() {
        List<NetworkAclNode.Entry> entries = List.of(
                new NetworkAclNode.Entry(200, true, true, "TCP", 1024, 65535, "10.0.1.0/24"),
                new NetworkAclNode.Entry(300, false, true, "TCP", 5432, 5432, "10.0.1.0/24"),
                new NetworkAclNode.Entry(100, false, false, "ICMP", 8, -1, "10.0.1.66/32"));

        ForwardingTable db = ForwardingTableCompiler.compile(network(entries), "h2", 1);

        assertThat(db.getNetworkAcls()).extracting(TableNetworkAcl::getId).containsExactly("acl-db");
        assertThat(db.getNetworkAcls().get(0).getEntries())
                .extracting(TableNetworkAclEntry::getEgress, TableNetworkAclEntry::getRuleNumber)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(false, 100),
                        org.assertj.core.groups.Tuple.tuple(false, 300),
                        org.assertj.core.groups.Tuple.tuple(true, 200));
        TableNetworkAclEntry deny = db.getNetworkAcls().get(0).getEntries().get(0);
        assertThat(deny.getAction()).isEqualTo(TableNetworkAclEntry.ActionEnum.DENY);
        assertThat(deny.getProtocol()).isEqualTo(TableNetworkAclEntry.ProtocolEnum.ICMP);
        assertThat(deny.getFromPort()).isEqualTo(8);
        // the db subnet carries its ACL; the web subnet, seen from h2 without a port, carries none
        assertThat(db.getSegments())
                .extracting(Segment::getSubnetId, Segment::getNetworkAclId)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("subnet-db", "acl-db"),
                        org.assertj.core.groups.Tuple.tuple("subnet-web", null));

        ForwardingTable web = ForwardingTableCompiler.compile(network(entries), "h1", 1);
        assertThat(web.getNetworkAcls()).extracting(TableNetworkAcl::getId).containsExactly("acl-default");
    }

    @Test
    void changingAnEntryIsOneAclUpsertOnTheHostsOfItsSubnets() {
        List<NetworkAclNode.Entry> before = List.of(ALLOW_ALL_IN, ALLOW_ALL_OUT);
        List<NetworkAclNode.Entry> after =
                List.of(new NetworkAclNode.Entry(100, false, false, "ALL", null, null, "0.0.0.0/0"), ALLOW_ALL_OUT);

        TableDelta onDbHost = TableDiff.between(
                ForwardingTableCompiler.compile(network(before), "h2", 1),
                ForwardingTableCompiler.compile(network(after), "h2", 2));
        TableDelta onWebHost = TableDiff.between(
                ForwardingTableCompiler.compile(network(before), "h1", 1),
                ForwardingTableCompiler.compile(network(after), "h1", 2));

        assertThat(onDbHost.getUpsert().getNetworkAcls())
                .extracting(TableNetworkAcl::getId)
                .containsExactly("acl-db");
        assertThat(onDbHost.getUpsert().getSegments()).isEmpty();
        assertThat(TableDiff.isEmpty(onWebHost)).isTrue();
        assertThat(TableDiff.apply(ForwardingTableCompiler.compile(network(before), "h2", 1), onDbHost))
                .isEqualTo(ForwardingTableCompiler.compile(network(after), "h2", 2));
    }
}
