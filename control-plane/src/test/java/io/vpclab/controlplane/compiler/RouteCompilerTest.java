package io.vpclab.controlplane.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.SegmentTableRoute;
import org.junit.jupiter.api.Test;

/** A subnet's route table reaches its segment: appliance routes with the appliance's segment and address, blackholes. */
class RouteCompilerTest {

    private static Networks network() {
        return new Networks()
                .host("h1", "192.168.0.1")
                .host("h2", "192.168.0.2")
                .vpc("vpc-a", "t1")
                .subnet("vpc-a", "web", "10.0.1.0/24") // vni 100
                .subnet("vpc-a", "inspect", "10.0.9.0/24") // vni 101
                .instance("vpc-a", "web", "i-web", "h1", "10.0.1.10")
                .instance("vpc-a", "inspect", "i-firewall", "h2", "10.0.9.10");
    }

    private static Segment segment(ForwardingTable table, String subnetId) {
        return table.getSegments().stream()
                .filter(s -> subnetId.equals(s.getSubnetId()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void anApplianceRouteLeadsToTheAppliancesSegmentAndAddressOnlyForTheAssociatedSubnet() {
        NetworkSnapshot snapshot = network()
                .tableRoutes("vpc-a", "web", new SubnetNode.TableRoute("0.0.0.0/0", "i-firewall"))
                .build();

        ForwardingTable table = ForwardingTableCompiler.compile(snapshot, "h1", 1);

        assertThat(segment(table, "web").getRoutes())
                .containsExactly(new SegmentTableRoute()
                        .destination("0.0.0.0/0")
                        .vni(101)
                        .nextHop("10.0.9.10"));
        assertThat(segment(table, "inspect").getRoutes()).isNullOrEmpty();
    }

    @Test
    void blackholesAndRoutesToAGoneApplianceCompileToBlackholes() {
        NetworkSnapshot snapshot = network()
                .tableRoutes(
                        "vpc-a",
                        "web",
                        SubnetNode.TableRoute.blackhole("192.0.2.0/24"),
                        new SubnetNode.TableRoute("0.0.0.0/0", "i-terminated"))
                .build();

        ForwardingTable table = ForwardingTableCompiler.compile(snapshot, "h2", 1);

        assertThat(segment(table, "web").getRoutes())
                .containsExactly(
                        new SegmentTableRoute().destination("192.0.2.0/24"),
                        new SegmentTableRoute().destination("0.0.0.0/0"));
    }
}
