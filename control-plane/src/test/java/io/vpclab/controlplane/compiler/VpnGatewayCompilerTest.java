package io.vpclab.controlplane.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortKind;
import io.vpclab.client.model.Route;
import io.vpclab.client.model.Router;
import io.vpclab.client.model.TableVpnGateway;
import io.vpclab.client.table.TableDiff;
import java.util.List;
import org.junit.jupiter.api.Test;

class VpnGatewayCompilerTest {

    static final String PRIVATE_KEY = "ADxSUfLjUTCgnf0u/kt8DjebKWG1VHZoXoF5aeXxD0g=";
    static final String CUSTOMER_KEY = "tv/lf70V1Ao5rHFZUgDKs5trwQjjwDsw42aViwCVUE8=";

    /** vpc-a (10.0.0.0/16: subnets 10.0.1.0/24 on vni 100, 10.0.2.0/24 on vni 101) peers vpc-b. */
    private static Networks network(List<VpnGatewayNode.Peer> peers) {
        return new Networks()
                .host("h1", "192.168.77.1")
                .host("h2", "192.168.77.2")
                .host("h3", "192.168.77.3")
                .vpc("vpc-a", "t1")
                .subnet("vpc-a", "sub-1", "10.0.1.0/24")
                .subnet("vpc-a", "sub-2", "10.0.2.0/24")
                .instance("vpc-a", "sub-2", "i-web", "h1", "10.0.2.10")
                .vpc("vpc-b", "t1")
                .subnet("vpc-b", "sub-b", "10.9.0.0/24")
                .instance("vpc-b", "sub-b", "i-peer", "h3", "10.9.0.10")
                .peering("vpc-a", "vpc-b")
                .vpnGateway(
                        "vpc-a",
                        new VpnGatewayNode("vgw-1", "vgw", "sub-1", "h2", "10.0.1.3", 51820, PRIVATE_KEY, peers));
    }

    private static List<VpnGatewayNode.Peer> onePeer() {
        return List.of(new VpnGatewayNode.Peer(
                "vpn-1", CUSTOMER_KEY, null, "203.0.113.7", List.of("192.168.50.0/24", "192.168.60.0/24")));
    }

    @Test
    void everyHostOfTheVpcRoutesTheOnPremisesCidrsToTheTunnelAddressAndOnlyTheGatewaysHostGetsTheKey() {
        NetworkSnapshot snapshot = network(onePeer()).build();

        ForwardingTable instanceHost = ForwardingTableCompiler.compile(snapshot, "h1", 1);
        assertThat(router(instanceHost, "vpc-a").getRoutes())
                .contains(
                        new Route().destination("192.168.50.0/24").vni(100).nextHop("10.0.1.3"),
                        new Route().destination("192.168.60.0/24").vni(100).nextHop("10.0.1.3"));
        assertThat(instanceHost.getVpnGateways()).isEmpty();
        String gatewayMac = snapshot.vpcs().get("vpc-a").vpnGateways().get(0).mac();
        assertThat(instanceHost.getMacs())
                .as("the gateway's port is behind its host")
                .anySatisfy(mac -> {
                    assertThat(mac.getMac()).isEqualTo(gatewayMac);
                    assertThat(mac.getVtep()).isEqualTo("h2");
                });
        assertThat(instanceHost.getBindings()).anySatisfy(binding -> {
            assertThat(binding.getIpAddress()).isEqualTo("10.0.1.3");
            assertThat(binding.getMac()).isEqualTo(gatewayMac);
        });

        ForwardingTable gatewayHost = ForwardingTableCompiler.compile(snapshot, "h2", 1);
        assertThat(gatewayHost.getPorts())
                .filteredOn(port -> port.getKind() == PortKind.VPN_GATEWAY)
                .singleElement()
                .satisfies(port -> {
                    assertThat(port.getId()).isEqualTo("vgw-1");
                    assertThat(port.getVni()).isEqualTo(100);
                    assertThat(port.getIpAddress()).isEqualTo("10.0.1.3");
                });
        TableVpnGateway entry = gatewayHost.getVpnGateways().get(0);
        assertThat(entry.getId()).isEqualTo("vgw-1");
        assertThat(entry.getPrivateKey()).isEqualTo(PRIVATE_KEY);
        assertThat(entry.getListenPort()).isEqualTo(51820);
        assertThat(entry.getPeers()).singleElement().satisfies(peer -> {
            assertThat(peer.getId()).isEqualTo("vpn-1");
            assertThat(peer.getPublicKey()).isEqualTo(CUSTOMER_KEY);
            assertThat(peer.getEndpointIp()).isEqualTo("203.0.113.7");
            assertThat(peer.getAllowedIps()).containsExactly("192.168.50.0/24", "192.168.60.0/24");
        });
        assertThat(router(gatewayHost, "vpc-a").getRoutes())
                .as("the gateway's host routes the replies of on premises to the instances")
                .contains(new Route().destination("10.0.2.0/24").vni(101));
    }

    @Test
    void aPeeredVpcGetsNoRouteToOnPremises() {
        ForwardingTable peerHost =
                ForwardingTableCompiler.compile(network(onePeer()).build(), "h3", 1);

        assertThat(router(peerHost, "vpc-b").getRoutes())
                .extracting(Route::getDestination)
                .doesNotContain("192.168.50.0/24", "192.168.60.0/24");
        assertThat(peerHost.getPorts()).extracting(Port::getKind).doesNotContain(PortKind.VPN_GATEWAY);
        assertThat(peerHost.getVpnGateways()).isEmpty();
    }

    @Test
    void aNewConnectionIsADeltaOfRoutesAndTheGatewaysEntry() {
        ForwardingTable before =
                ForwardingTableCompiler.compile(network(List.of()).build(), "h2", 1);
        List<VpnGatewayNode.Peer> peers = onePeer();
        ForwardingTable after = ForwardingTableCompiler.compile(network(peers).build(), "h2", 2);

        var delta = TableDiff.between(before, after);

        assertThat(delta.getUpsert().getVpnGateways())
                .singleElement()
                .satisfies(gateway -> assertThat(gateway.getPeers()).hasSize(1));
        assertThat(delta.getUpsert().getRouters()).extracting(Router::getId).containsExactly("vpc-a");
        assertThat(delta.getUpsert().getPorts()).isEmpty();
        assertThat(TableDiff.apply(before, delta)).isEqualTo(after);
        assertThat(TableDiff.between(after, before).getRemove().getVpnGateways())
                .isEmpty();
        ForwardingTable elsewhere =
                ForwardingTableCompiler.compile(network(peers).build(), "h1", 2);
        assertThat(TableDiff.between(after, elsewhere).getRemove().getVpnGateways())
                .containsExactly("vgw-1");
    }

    private static Router router(ForwardingTable table, String id) {
        return table.getRouters().stream()
                .filter(r -> r.getId().equals(id))
                .findFirst()
                .orElseThrow();
    }
}
