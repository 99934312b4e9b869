package io.vpclab.controlplane.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.IpBinding;
import io.vpclab.client.model.MacEntry;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.Route;
import io.vpclab.client.model.Router;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.Vtep;
import org.junit.jupiter.api.Test;

class ForwardingTableCompilerTest {

    /** Two tenants with the same 10.0.0.0/16, spread over three hosts. */
    private final NetworkSnapshot twoTenants = new Networks()
            .host("h1", "192.0.2.1")
            .host("h2", "192.0.2.2")
            .host("h3", "192.0.2.3")
            .vpc("vpc-a", "tenant-a")
            .subnet("vpc-a", "sa1", "10.0.1.0/24")
            .subnet("vpc-a", "sa2", "10.0.2.0/24")
            .vpc("vpc-b", "tenant-b")
            .subnet("vpc-b", "sb1", "10.0.1.0/24")
            .instance("vpc-a", "sa1", "a1", "h1", "10.0.1.5")
            .instance("vpc-a", "sa1", "a2", "h2", "10.0.1.6")
            .instance("vpc-a", "sa2", "a3", "h2", "10.0.2.5")
            .instance("vpc-b", "sb1", "b1", "h1", "10.0.1.5")
            .instance("vpc-b", "sb1", "b2", "h3", "10.0.1.9")
            .build();

    @Test
    void hostTableHoldsItsPortsAndTheRemoteMacsOfItsSegments() {
        ForwardingTable h1 = ForwardingTableCompiler.compile(twoTenants, "h1", 7);

        assertThat(h1.getGeneration()).isEqualTo(7);
        assertThat(h1.getHost().getUnderlayIp()).isEqualTo("192.0.2.1");
        assertThat(h1.getPorts()).extracting(Port::getId).containsExactlyInAnyOrder("a1", "b1");
        assertThat(h1.getSegments()).extracting(Segment::getSubnetId).containsExactlyInAnyOrder("sa1", "sa2", "sb1");
        assertThat(h1.getMacs()).extracting(MacEntry::getVtep).containsExactlyInAnyOrder("h2", "h2", "h3");
        assertThat(h1.getVteps()).extracting(Vtep::getId).containsExactly("h2", "h3");
        Segment sa1 = segment(h1, "sa1");
        assertThat(sa1.getFloodList()).containsExactly("h2");
        assertThat(sa1.getGatewayIp()).isEqualTo("10.0.1.1");
        assertThat(sa1.getRouterId()).isEqualTo("vpc-a");
    }

    @Test
    void aVpcWithoutArpSuppressionTellsEveryHostPerSegmentAndOnlyItsOwnSegments() {
        NetworkSnapshot off = new Networks()
                .host("h1", "192.0.2.1")
                .host("h2", "192.0.2.2")
                .vpc("vpc-a", "tenant-a")
                .subnet("vpc-a", "sa1", "10.0.1.0/24")
                .vpc("vpc-b", "tenant-b")
                .subnet("vpc-b", "sb1", "10.0.1.0/24")
                .instance("vpc-a", "sa1", "a1", "h1", "10.0.1.5")
                .instance("vpc-a", "sa1", "a2", "h2", "10.0.1.6")
                .instance("vpc-b", "sb1", "b1", "h1", "10.0.1.5")
                .arpSuppressionOff("vpc-a")
                .build();

        for (String host : new String[] {"h1", "h2"}) {
            assertThat(segment(ForwardingTableCompiler.compile(off, host, 1), "sa1")
                            .getArpSuppression())
                    .as(host)
                    .isFalse();
        }
        // the default is not written: tables of VPCs that keep it compile as before
        assertThat(segment(ForwardingTableCompiler.compile(off, "h1", 1), "sb1").getArpSuppression())
                .isNotEqualTo(Boolean.FALSE);
        assertThat(segment(ForwardingTableCompiler.compile(twoTenants, "h1", 1), "sa1")
                        .getArpSuppression())
                .isNotEqualTo(Boolean.FALSE);
    }

    @Test
    void overlappingAddressesStayApartByVni() {
        ForwardingTable h1 = ForwardingTableCompiler.compile(twoTenants, "h1", 1);
        int vniA = segment(h1, "sa1").getVni();
        int vniB = segment(h1, "sb1").getVni();

        assertThat(vniA).isNotEqualTo(vniB);
        assertThat(h1.getBindings())
                .filteredOn(b -> b.getIpAddress().equals("10.0.1.5"))
                .extracting(IpBinding::getVni)
                .containsExactlyInAnyOrder(vniA, vniB);
        assertThat(h1.getBindings())
                .filteredOn(b -> b.getVni() == vniA)
                .extracting(IpBinding::getIpAddress)
                .doesNotContain("10.0.1.9");
    }

    @Test
    void hostWithoutPortsOfATenantKnowsNothingOfIt() {
        ForwardingTable h3 = ForwardingTableCompiler.compile(twoTenants, "h3", 1);

        assertThat(h3.getSegments()).extracting(Segment::getSubnetId).containsExactly("sb1");
        assertThat(h3.getRouters()).extracting(Router::getId).containsExactly("vpc-b");
        assertThat(h3.getBindings())
                .extracting(IpBinding::getIpAddress)
                .containsExactlyInAnyOrder("10.0.1.5", "10.0.1.9");
    }

    @Test
    void routerRoutesEverySubnetOfItsVpcWithOneMacPerVpc() {
        ForwardingTable h2 = ForwardingTableCompiler.compile(twoTenants, "h2", 1);
        ForwardingTable h1 = ForwardingTableCompiler.compile(twoTenants, "h1", 1);

        Router routerOnH2 = router(h2, "vpc-a");
        assertThat(routerOnH2.getRoutes())
                .extracting(Route::getDestination)
                .containsExactly("10.0.1.0/24", "10.0.2.0/24");
        assertThat(routerOnH2.getMac()).isEqualTo(router(h1, "vpc-a").getMac()).startsWith("02:");
        assertThat(router(h1, "vpc-b").getMac()).isNotEqualTo(routerOnH2.getMac());
    }

    @Test
    void peeringIsNotTransitive() {
        NetworkSnapshot triangle = new Networks()
                .host("h1", "192.0.2.1")
                .host("h2", "192.0.2.2")
                .host("h3", "192.0.2.3")
                .vpc("A", "t")
                .subnet("A", "a", "10.1.0.0/24")
                .vpc("B", "t")
                .subnet("B", "b", "10.2.0.0/24")
                .vpc("C", "t")
                .subnet("C", "c", "10.3.0.0/24")
                .instance("A", "a", "ia", "h1", "10.1.0.5")
                .instance("B", "b", "ib", "h2", "10.2.0.5")
                .instance("C", "c", "ic", "h3", "10.3.0.5")
                .peering("A", "B")
                .peering("B", "C")
                .build();

        ForwardingTable h1 = ForwardingTableCompiler.compile(triangle, "h1", 1);
        ForwardingTable h2 = ForwardingTableCompiler.compile(triangle, "h2", 1);

        assertThat(router(h1, "A").getRoutes())
                .extracting(Route::getDestination)
                .containsExactly("10.1.0.0/24", "10.2.0.0/24");
        assertThat(h1.getSegments()).extracting(Segment::getSubnetId).containsExactlyInAnyOrder("a", "b");
        assertThat(segment(h1, "a").getRouterId()).isEqualTo("A");
        assertThat(segment(h1, "b").getRouterId())
                .as("the peer's router does not run on h1")
                .isNull();
        assertThat(h1.getRouters()).extracting(Router::getId).containsExactly("A", "B");
        assertThat(router(h1, "B").getRoutes())
                .as("the peer's router routes nothing on h1, only its MAC is named")
                .isEmpty();
        assertThat(router(h1, "B").getMac()).isEqualTo(router(h2, "B").getMac());
        assertThat(router(h2, "B").getRoutes())
                .extracting(Route::getDestination)
                .containsExactlyInAnyOrder("10.1.0.0/24", "10.2.0.0/24", "10.3.0.0/24");
        assertThat(triangle.hostsAffectedBy("A")).containsExactly("h1", "h2");
    }

    @Test
    void sameSnapshotCompilesToEqualTables() {
        assertThat(ForwardingTableCompiler.compile(twoTenants, "h2", 3))
                .isEqualTo(ForwardingTableCompiler.compile(twoTenants, "h2", 3));
    }

    @Test
    void unknownHostIsRefused() {
        assertThatThrownBy(() -> ForwardingTableCompiler.compile(twoTenants, "nope", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
    }

    private static Segment segment(ForwardingTable table, String subnetId) {
        return table.getSegments().stream()
                .filter(s -> subnetId.equals(s.getSubnetId()))
                .findFirst()
                .orElseThrow();
    }

    private static Router router(ForwardingTable table, String id) {
        return table.getRouters().stream()
                .filter(r -> r.getId().equals(id))
                .findFirst()
                .orElseThrow();
    }
}
