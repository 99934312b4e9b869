package io.vpclab.agent.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.IpBinding;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortKind;
import io.vpclab.client.model.Route;
import io.vpclab.client.model.TableVpnGateway;
import io.vpclab.client.model.TableVpnPeer;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.VpnGateway;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The table's VPN gateways: every refusal with its pointer, and what the data plane builds from them. */
class VpnGatewayTableRulesTest {

    /** Recorded pairs of wg genkey / wg pubkey. */
    static final String GATEWAY_PRIVATE = "ADxSUfLjUTCgnf0u/kt8DjebKWG1VHZoXoF5aeXxD0g=";

    static final String GATEWAY_PUBLIC = "gOBkvR0d9wsApj8DJwoMGnU/86mb22uv+DhLjSMOWzk=";
    static final String CUSTOMER_PUBLIC = "tv/lf70V1Ao5rHFZUgDKs5trwQjjwDsw42aViwCVUE8=";
    static final String GATEWAY_MAC = "02:00:00:00:0a:03";

    /**
     * TableValidatorTest's valid table with VPN gateway "vgw" on segment 1 at 10.0.1.3, one peer
     * for 192.168.50.0/24, and router r's route there through the gateway.
     */
    static ForwardingTable valid() {
        ForwardingTable table = TableValidatorTest.valid()
                .addPortsItem(new Port()
                        .id("vgw")
                        .kind(PortKind.VPN_GATEWAY)
                        .vni(TableValidatorTest.VNI)
                        .mac(GATEWAY_MAC)
                        .ipAddress("10.0.1.3"))
                .addBindingsItem(new IpBinding()
                        .vni(TableValidatorTest.VNI)
                        .ipAddress("10.0.1.3")
                        .mac(GATEWAY_MAC))
                .addVpnGatewaysItem(new TableVpnGateway()
                        .id("vgw")
                        .privateKey(GATEWAY_PRIVATE)
                        .listenPort(51820)
                        .peers(new ArrayList<>(List.of(new TableVpnPeer()
                                .id("vpn-1")
                                .publicKey(CUSTOMER_PUBLIC)
                                .endpointIp("203.0.113.7")
                                .allowedIps(new ArrayList<>(List.of("192.168.50.0/24")))))));
        table.getRouters()
                .get(0)
                .addRoutesItem(new Route()
                        .destination("192.168.50.0/24")
                        .vni(TableValidatorTest.VNI)
                        .nextHop("10.0.1.3"));
        return table;
    }

    private static TableVpnGateway gateway(ForwardingTable table) {
        return table.getVpnGateways().get(0);
    }

    private static TableVpnPeer peer(ForwardingTable table) {
        return gateway(table).getPeers().get(0);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                refusal(
                        "gateway without its port",
                        t -> {
                            gateway(t).id("vgw-gone");
                            return t;
                        },
                        "/vpnGateways/0/id",
                        "no port of kind vpn-gateway has id 'vgw-gone'"),
                refusal(
                        "port without its gateway",
                        t -> {
                            t.getVpnGateways().clear();
                            return t;
                        },
                        "/ports",
                        "port 'vgw' of kind vpn-gateway has no entry in vpnGateways"),
                refusal(
                        "bad private key",
                        t -> {
                            gateway(t).privateKey("AAAA");
                            return t;
                        },
                        "/vpnGateways/0/privateKey",
                        "not a WireGuard key"),
                refusal(
                        "listen port of the VXLAN socket",
                        t -> {
                            gateway(t).listenPort(4789);
                            return t;
                        },
                        "/vpnGateways/0/listenPort",
                        "the host's VXLAN port"),
                refusal(
                        "listen port out of range",
                        t -> {
                            gateway(t).listenPort(70000);
                            return t;
                        },
                        "/vpnGateways/0/listenPort",
                        "must be 1..65535"),
                refusal(
                        "peer with the gateway's own key",
                        t -> {
                            peer(t).publicKey(GATEWAY_PUBLIC);
                            return t;
                        },
                        "/vpnGateways/0/peers/0/publicKey",
                        "the gateway's own public key"),
                refusal(
                        "two peers with one key",
                        t -> {
                            gateway(t)
                                    .addPeersItem(new TableVpnPeer()
                                            .id("vpn-2")
                                            .publicKey(CUSTOMER_PUBLIC)
                                            .allowedIps(List.of("192.168.60.0/24")));
                            return t;
                        },
                        "/vpnGateways/0/peers/1/publicKey",
                        "same public key"),
                refusal(
                        "overlapping allowed IPs of two peers",
                        t -> {
                            gateway(t)
                                    .addPeersItem(new TableVpnPeer()
                                            .id("vpn-2")
                                            .publicKey(WireGuardKeys.toBase64(
                                                    WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey())))
                                            .allowedIps(List.of("192.168.0.0/16")));
                            return t;
                        },
                        "/vpnGateways/0/peers/1/allowedIps/0",
                        "overlaps 192.168.50.0/24 of peer 'vpn-1'"),
                refusal(
                        "allowed IPs with host bits",
                        t -> {
                            peer(t).setAllowedIps(List.of("192.168.50.1/24"));
                            return t;
                        },
                        "/vpnGateways/0/peers/0/allowedIps/0",
                        "host bits"),
                refusal(
                        "bad preshared key",
                        t -> {
                            peer(t).presharedKey("not a key");
                            return t;
                        },
                        "/vpnGateways/0/peers/0/presharedKey",
                        "not a WireGuard key"),
                refusal(
                        "bad endpoint",
                        t -> {
                            peer(t).endpointIp("203.0.113.300");
                            return t;
                        },
                        "/vpnGateways/0/peers/0/endpointIp",
                        "not an IPv4 address"),
                refusal(
                        "route next hop outside its segment",
                        t -> {
                            t.getRouters().get(0).getRoutes().get(2).nextHop("10.0.2.3");
                            return t;
                        },
                        "/routers/0/routes/2/nextHop",
                        "outside the segment's cidrBlock 10.0.1.0/24"));
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
    void theDataPlaneGetsTheGatewayItsPortWithoutAnAddressAndTheRoutesNextHop() {
        ForwardingState state = TableTranslator.translate("valid", valid());

        VpnGateway gateway = state.vpnGateways().get(0);
        assertThat(gateway.portId()).isEqualTo("vgw");
        assertThat(WireGuardKeys.toBase64(gateway.privateKey())).isEqualTo(GATEWAY_PRIVATE);
        assertThat(gateway.listenPort()).isEqualTo(51820);
        assertThat(gateway.peers()).singleElement().satisfies(peer -> {
            assertThat(WireGuardKeys.toBase64(peer.publicKey())).isEqualTo(CUSTOMER_PUBLIC);
            assertThat(peer.allowedIps()).containsExactly(Ipv4Prefix.parse("192.168.50.0/24"));
            assertThat(peer.endpointIp()).isEqualTo(Ipv4Address.parse("203.0.113.7"));
        });
        LocalPort port = state.ports().stream()
                .filter(p -> p.id().equals("vgw"))
                .findFirst()
                .orElseThrow();
        assertThat(port.ipAddress())
                .as("held to its MAC: the peers' sources are WireGuard's allowed IPs")
                .isNull();
        int router = 0;
        int onPremises = Ipv4Address.parse("192.168.50.20").bits();
        assertThat(state.routeNextHop(router, onPremises))
                .isEqualTo(Ipv4Address.parse("10.0.1.3").bits());
        int inVpc = Ipv4Address.parse("10.0.2.9").bits();
        assertThat(state.routeNextHop(router, inVpc)).isEqualTo(inVpc);
        assertThat(TableTranslator.translate("again", valid()).vpnGateways())
                .as("equal by value, so an unchanged gateway keeps its tunnel")
                .isEqualTo(state.vpnGateways());
    }
}
