package io.vpclab.controlplane.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.agent.table.TableTranslator;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.IpBinding;
import io.vpclab.client.model.MacEntry;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortKind;
import io.vpclab.client.model.PortNatGateway;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.SegmentDefaultRoute;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.net.Ipv4Address;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * vm (h1) in the private subnet s-priv, associated with NAT gateway nat-1 that lives in s-nat on
 * h3 with public address 203.0.113.20; s-other is not associated; the internet host is on h2.
 */
class NatGatewayCompilerTest {

    static final int PUBLIC_VNI = PublicNetwork.DEFAULT.vni();
    static final InstanceNode VM =
            new InstanceNode("i-vm", "vm", "s-priv", "h1", "simulated", "10.0.2.5", "02:00:0a:00:02:05");
    static final InstanceNode OTHER =
            new InstanceNode("i-other", "other", "s-other", "h1", "simulated", "10.0.3.5", "02:00:0a:00:03:05");
    static final NatGatewayNode NAT = new NatGatewayNode(
            "nat-1",
            "nat",
            "s-nat",
            "h3",
            "10.0.1.10",
            "203.0.113.20",
            "ALLOW_ALL",
            null,
            350,
            60,
            List.of("s-priv"),
            1024,
            65535);
    static final InternetHostNode INTERNET =
            new InternetHostNode("inet-1", "internet", "h2", "simulated", "198.51.100.10", "02:00:c6:33:64:0a");

    static NetworkSnapshot network(List<NatGatewayNode> gateways) {
        return network(gateways, List.of());
    }

    /** The network, s-other's route table sending {@code otherRoutes} (to appliances or blackholes). */
    static NetworkSnapshot network(List<NatGatewayNode> gateways, List<SubnetNode.TableRoute> otherRoutes) {
        Map<String, HostNode> hosts = Map.of(
                "h1", new HostNode("h1", "h1", "192.168.77.1", 4789, 1500),
                "h2", new HostNode("h2", "h2", "192.168.77.2", 4789, 1500),
                "h3", new HostNode("h3", "h3", "192.168.77.3", 4789, 1500));
        VpcNode vpc = new VpcNode(
                "vpc-1",
                "t-1",
                List.of(
                        new SubnetNode("s-nat", "vpc-1", "10.0.1.0/24", "10.0.1.1", 100, null),
                        new SubnetNode("s-priv", "vpc-1", "10.0.2.0/24", "10.0.2.1", 200, null),
                        new SubnetNode("s-other", "vpc-1", "10.0.3.0/24", "10.0.3.1", 300, null, otherRoutes)),
                List.of(VM, OTHER),
                List.of(),
                gateways);
        return new NetworkSnapshot(
                hosts, Map.of("vpc-1", vpc), Map.of(), PublicNetwork.DEFAULT.withInternetHosts(List.of(INTERNET)));
    }

    static Segment segment(ForwardingTable table, int vni) {
        return table.getSegments().stream()
                .filter(s -> s.getVni() == vni)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void onlyTheAssociatedSubnetRoutesByDefaultToTheGatewayBehindItsHost() {
        ForwardingTable table = ForwardingTableCompiler.compile(network(List.of(NAT)), "h1", 1);

        assertThat(segment(table, 200).getDefaultRoute())
                .isEqualTo(new SegmentDefaultRoute().vni(100).nextHop("10.0.1.10"));
        assertThat(segment(table, 300).getDefaultRoute()).isNull();
        assertThat(segment(table, 100).getDefaultRoute()).isNull();
        assertThat(segment(table, 100).getFloodList()).containsExactly("h3");
        assertThat(table.getMacs())
                .contains(new MacEntry().vni(100).mac(NAT.mac()).vtep("h3"));
        assertThat(table.getBindings())
                .contains(new IpBinding().vni(100).ipAddress("10.0.1.10").mac(NAT.mac()));
        assertThat(table.getVteps()).extracting(v -> v.getId()).contains("h3");
        ForwardingState state = TableTranslator.translate("h1", table);
        assertThat(state.defaultRouteSegment(state.segmentIndexOf(200))).isEqualTo(state.segmentIndexOf(100));
    }

    @Test
    void theGatewaysHostServesItsPortWithTheSettingsAndJoinsTheProviderSegment() {
        ForwardingTable table = ForwardingTableCompiler.compile(network(List.of(NAT)), "h3", 1);

        Port port = table.getPorts().stream()
                .filter(p -> p.getId().equals("nat-1"))
                .findFirst()
                .orElseThrow();
        assertThat(port.getKind()).isEqualTo(PortKind.NAT_GATEWAY);
        assertThat(port.getIpAddress()).isEqualTo("10.0.1.10");
        assertThat(port.getNatGateway())
                .isEqualTo(new PortNatGateway()
                        .id("nat-1")
                        .publicIp("203.0.113.20")
                        .portMin(1024)
                        .portMax(65535)
                        .tcpIdleSeconds(350)
                        .udpIdleSeconds(60)
                        .egressPolicy(PortNatGateway.EgressPolicyEnum.ALLOW_ALL)
                        .sources(List.of("10.0.2.0/24")));
        assertThat(segment(table, PUBLIC_VNI).getFloodList()).containsExactly("h2");
        assertThat(table.getMacs())
                .contains(new MacEntry().vni(200).mac(VM.mac()).vtep("h1"));
        ForwardingState state = TableTranslator.translate("h3", table);
        assertThat(state.natGatewayByPublic(Ipv4Address.parseBits("203.0.113.20")))
                .isZero();
    }

    /**
     * s-other's default route leads to the VM, an appliance in the associated subnet: the VM
     * forwards s-other's packets with their own sources, so the gateway translates them too; a
     * blackhole or an appliance elsewhere brings the gateway nothing.
     */
    @Test
    void aSubnetRoutedThroughAnApplianceOfAnAssociatedSubnetIsServedToo() {
        List<String> throughTheVm = natBlock(
                        network(List.of(NAT), List.of(new SubnetNode.TableRoute("0.0.0.0/0", VM.id()))))
                .getSources();
        List<String> elsewhere = natBlock(network(
                        List.of(NAT),
                        List.of(
                                new SubnetNode.TableRoute("0.0.0.0/0", OTHER.id()),
                                SubnetNode.TableRoute.blackhole("192.0.2.0/24"))))
                .getSources();

        assertThat(throughTheVm).containsExactly("10.0.2.0/24", "10.0.3.0/24");
        assertThat(elsewhere).containsExactly("10.0.2.0/24");
    }

    private static PortNatGateway natBlock(NetworkSnapshot network) {
        return ForwardingTableCompiler.compile(network, "h3", 1).getPorts().stream()
                .filter(p -> p.getId().equals("nat-1"))
                .findFirst()
                .orElseThrow()
                .getNatGateway();
    }

    @Test
    void aWhitelistPolicyShipsTheGatewaysWhitelistWithIt() {
        WhitelistNode dns =
                new WhitelistNode("wl-1", List.of(new WhitelistNode.Rule("r-1", "udp", "198.51.100.0/24", 53, 53)));
        NatGatewayNode whitelisted = new NatGatewayNode(
                "nat-1",
                "nat",
                "s-nat",
                "h3",
                "10.0.1.10",
                "203.0.113.20",
                "WHITELIST",
                dns,
                350,
                60,
                List.of("s-priv"),
                1024,
                65535);

        ForwardingTable table = ForwardingTableCompiler.compile(network(List.of(whitelisted)), "h3", 1);

        Port port = table.getPorts().stream()
                .filter(p -> p.getId().equals("nat-1"))
                .findFirst()
                .orElseThrow();
        assertThat(port.getNatGateway().getEgressPolicy()).isEqualTo(PortNatGateway.EgressPolicyEnum.WHITELIST);
        assertThat(port.getNatGateway().getWhitelistId()).isEqualTo("wl-1");
        assertThat(table.getWhitelists()).extracting(w -> w.getId()).containsExactly("wl-1");
        ForwardingState state = TableTranslator.translate("h3", table);
        assertThat(state.natGatewayWhitelist(0)).isEqualTo(state.whitelistIndexOf("wl-1"));
    }

    @Test
    void internetHostsReachThePublicAddressAtTheGatewaysHost() {
        ForwardingTable table = ForwardingTableCompiler.compile(network(List.of(NAT)), "h2", 1);

        assertThat(table.getMacs())
                .contains(new MacEntry().vni(PUBLIC_VNI).mac(NAT.mac()).vtep("h3"));
        assertThat(table.getBindings())
                .contains(new IpBinding()
                        .vni(PUBLIC_VNI)
                        .ipAddress("203.0.113.20")
                        .mac(NAT.mac()));
        assertThat(segment(table, PUBLIC_VNI).getFloodList()).containsExactly("h3");
        assertThat(network(List.of(NAT)).hostsAffectedBy("vpc-1")).containsExactly("h1", "h2", "h3");
    }

    @Test
    void withoutAGatewayNothingOfItRemains() {
        ForwardingTable h1 = ForwardingTableCompiler.compile(network(List.of()), "h1", 1);
        ForwardingTable h2 = ForwardingTableCompiler.compile(network(List.of()), "h2", 1);

        assertThat(h1.getSegments())
                .allSatisfy(s -> assertThat(s.getDefaultRoute()).isNull());
        assertThat(h1.getSegments()).extracting(Segment::getVni).doesNotContain(PUBLIC_VNI);
        assertThat(h2.getBindings()).extracting(IpBinding::getIpAddress).doesNotContain("203.0.113.20");
        assertThat(network(List.of()).publicHosts()).containsExactly("h2");
    }
}
