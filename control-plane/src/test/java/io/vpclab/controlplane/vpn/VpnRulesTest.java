package io.vpclab.controlplane.vpn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.client.ApiException;
import io.vpclab.client.api.CustomerGatewaysApi;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpnConnectionsApi;
import io.vpclab.client.api.VpnGatewaysApi;
import io.vpclab.client.model.CidrBlockCreate;
import io.vpclab.client.model.CustomerGateway;
import io.vpclab.client.model.CustomerGatewayCreate;
import io.vpclab.client.model.EffectiveRoute;
import io.vpclab.client.model.PeeringCreate;
import io.vpclab.client.model.RouteState;
import io.vpclab.client.model.RouteTargetType;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.Vpc;
import io.vpclab.client.model.VpnConnection;
import io.vpclab.client.model.VpnConnectionCreate;
import io.vpclab.client.model.VpnGateway;
import io.vpclab.client.model.VpnGatewayAttach;
import io.vpclab.client.model.VpnGatewayCreate;
import io.vpclab.client.model.VpnGatewayState;
import io.vpclab.controlplane.ApiTestSupport;
import io.vpclab.dataplane.wireguard.WgQuickFile;
import io.vpclab.dataplane.wireguard.WireGuardPeerConfig;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class VpnRulesTest extends ApiTestSupport {

    @Autowired
    private VpnGatewayRepository storedGateways;

    @Autowired
    private VpnConnectionRepository storedConnections;

    @Autowired
    private VpnKeySealer sealer;

    private TenantClient alice;
    private TenantClient bob;
    private CustomerGatewaysApi aliceCgws;
    private VpnGatewaysApi aliceVgws;
    private VpnConnectionsApi aliceVpns;
    private String host;
    private Vpc vpc;
    private Subnet subnet;

    @BeforeEach
    void network() throws Exception {
        alice = newTenant();
        bob = newTenant();
        aliceCgws = new CustomerGatewaysApi(alice.api());
        aliceVgws = new VpnGatewaysApi(alice.api());
        aliceVpns = new VpnConnectionsApi(alice.api());
        host = newHost().getHost().getHostId();
        vpc = alice.vpc("10.0.0.0/16");
        subnet = alice.subnet(vpc.getVpcId(), "10.0.1.0/24");
    }

    /** The stored private key, opened as the host's table is given it. */
    private String storedPrivateKey(VpnGateway gateway) {
        String sealed =
                storedGateways.findById(gateway.getVpnGatewayId()).orElseThrow().sealedPrivateKey();
        return sealer.open(gateway.getVpnGatewayId(), sealed);
    }

    static String newPublicKey() {
        return WireGuardKeys.toBase64(WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey()));
    }

    private CustomerGateway cgw(CustomerGatewaysApi api) throws ApiException {
        return api.createCustomerGateway(new CustomerGatewayCreate()
                .name("office")
                .ipAddress("198.51.100.7")
                .publicKey(newPublicKey()));
    }

    private VpnGateway vgw(String vpcId) throws ApiException {
        return aliceVgws.createVpnGateway(new VpnGatewayCreate().vpcId(vpcId).hostId(host));
    }

    private static VpnConnectionCreate connection(VpnGateway vgw, CustomerGateway cgw, String... cidrs) {
        return new VpnConnectionCreate()
                .vpnGatewayId(vgw.getVpnGatewayId())
                .customerGatewayId(cgw.getCustomerGatewayId())
                .onPremisesCidrBlocks(List.of(cidrs));
    }

    private List<EffectiveRoute> vpnRoutes() throws ApiException {
        return alice.subnets().getSubnetRoutes(subnet.getSubnetId()).getRoutes().stream()
                .filter(r -> r.getTargetType() == RouteTargetType.VPN_GATEWAY)
                .toList();
    }

    private List<VpnConnection> aliceConnections() throws ApiException {
        return aliceVpns.listVpnConnections(vpc.getVpcId(), null, null).getItems();
    }

    @Test
    void customerGatewaysCheckAddressAndKeyAndStayWithTheirTenant() throws Exception {
        String key = newPublicKey();
        CustomerGateway created = aliceCgws.createCustomerGateway(new CustomerGatewayCreate()
                .name("office")
                .ipAddress("198.51.100.7")
                .publicKey(key));
        assertThat(created.getCustomerGatewayId()).startsWith("cgw-");
        assertThat(created.getPublicKey()).isEqualTo(key);
        assertThat(created.getIpAddress()).isEqualTo("198.51.100.7");
        assertThat(aliceCgws.getCustomerGateway(created.getCustomerGatewayId())).isEqualTo(created);

        for (String address : List.of("198.51.100", "198.051.100.7", "224.0.0.5", "255.255.255.255", "0.1.2.3")) {
            assertRefused(
                    400,
                    "InvalidAddress.Malformed",
                    () -> aliceCgws.createCustomerGateway(
                            new CustomerGatewayCreate().ipAddress(address).publicKey(key)));
        }
        String tooShort = WireGuardKeys.toBase64(new byte[32]).substring(4);
        for (String badKey : List.of(
                "not-a-key", tooShort, "A".repeat(43) + "!", "!" + key.substring(1), "AAAA" + key.substring(4, 43))) {
            assertRefused(
                    400,
                    "InvalidKey.Format",
                    () -> aliceCgws.createCustomerGateway(new CustomerGatewayCreate()
                            .ipAddress("198.51.100.7")
                            .publicKey(badKey)));
        }
        assertRefused(
                400,
                "MissingParameter",
                () -> aliceCgws.createCustomerGateway(new CustomerGatewayCreate().ipAddress("198.51.100.7")));
        assertThat(aliceCgws.listCustomerGateways(null, null).getItems()).containsExactly(created);

        CustomerGatewaysApi bobCgws = new CustomerGatewaysApi(bob.api());
        assertThat(bobCgws.listCustomerGateways(null, null).getItems()).isEmpty();
        assertRefused(
                404,
                "InvalidCustomerGatewayID.NotFound",
                () -> bobCgws.getCustomerGateway(created.getCustomerGatewayId()));
        assertRefused(404, "InvalidCustomerGatewayID.NotFound", () -> {
            bobCgws.deleteCustomerGateway(created.getCustomerGatewayId());
            return null;
        });

        aliceCgws.deleteCustomerGateway(created.getCustomerGatewayId());
        assertRefused(
                404,
                "InvalidCustomerGatewayID.NotFound",
                () -> aliceCgws.getCustomerGateway(created.getCustomerGatewayId()));
    }

    @Test
    void aVpcHasOneVpnGatewayPlacedOnAHostWithAServerKeyPair() throws Exception {
        VpnGateway gateway = vgw(vpc.getVpcId());
        assertThat(gateway.getVpnGatewayId()).startsWith("vgw-");
        assertThat(gateway.getState()).isEqualTo(VpnGatewayState.AVAILABLE);
        assertThat(gateway.getHostId()).isEqualTo(host);
        assertThat(gateway.getEndpointIp()).isEqualTo("127.0.0.1");
        assertThat(gateway.getListenPort()).isEqualTo(51820);
        // The public key belongs to the stored private key, which is stored sealed: the column is
        // not the key, and it does not open for another row.
        String privateKey = storedPrivateKey(gateway);
        String column =
                storedGateways.findById(gateway.getVpnGatewayId()).orElseThrow().sealedPrivateKey();
        assertThat(column).doesNotContain(privateKey);
        assertThat(Base64.getDecoder().decode(column)).hasSize(12 + 44 + 16);
        assertThatThrownBy(() -> sealer.open("vgw-0000000000000000f", column))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vgw-0000000000000000f");
        assertThat(gateway.getPublicKey())
                .isEqualTo(WireGuardKeys.toBase64(WireGuardKeys.publicKey(WireGuardKeys.fromBase64(privateKey))));

        assertRefused(409, "InvalidVpcState", () -> vgw(vpc.getVpcId()));
        assertThat(aliceVgws.listVpnGateways(vpc.getVpcId(), null, null).getItems())
                .containsExactly(gateway);

        Vpc other = alice.vpc("10.9.0.0/16");
        for (int port : List.of(0, 65_536)) {
            assertRefused(
                    400,
                    "InvalidParameterValue",
                    () -> aliceVgws.createVpnGateway(
                            new VpnGatewayCreate().vpcId(other.getVpcId()).listenPort(port)));
        }
        assertThat(aliceVgws.listVpnGateways(other.getVpcId(), null, null).getItems())
                .isEmpty();
        VpnGateway custom = aliceVgws.createVpnGateway(
                new VpnGatewayCreate().vpcId(other.getVpcId()).listenPort(51999));
        assertThat(custom.getListenPort()).isEqualTo(51999);
        assertThat(custom.getPublicKey()).isNotEqualTo(gateway.getPublicKey());

        VpnGatewaysApi bobVgws = new VpnGatewaysApi(bob.api());
        assertRefused(404, "InvalidVpnGatewayID.NotFound", () -> bobVgws.getVpnGateway(gateway.getVpnGatewayId()));
        assertRefused(
                404,
                "InvalidVpcID.NotFound",
                () -> bobVgws.createVpnGateway(new VpnGatewayCreate().vpcId(other.getVpcId())));
        assertThat(bobVgws.listVpnGateways(null, null, null).getItems()).isEmpty();

        assertRefused(409, "DependencyViolation", () -> {
            alice.vpcs().deleteVpc(vpc.getVpcId());
            return null;
        });
        // detached before deleted, as in EC2
        assertRefused(409, "IncorrectState", () -> {
            aliceVgws.deleteVpnGateway(custom.getVpnGatewayId());
            return null;
        });
        aliceVgws.detachVpnGateway(custom.getVpnGatewayId());
        aliceVgws.deleteVpnGateway(custom.getVpnGatewayId());
        assertRefused(404, "InvalidVpnGatewayID.NotFound", () -> aliceVgws.getVpnGateway(custom.getVpnGatewayId()));
    }

    @Test
    void aConnectionRoutesItsOnPremisesBlocksFromEverySubnetThroughTheGateway() throws Exception {
        VpnGateway gateway = vgw(vpc.getVpcId());
        CustomerGateway office = cgw(aliceCgws);
        Subnet second = alice.subnet(vpc.getVpcId(), "10.0.2.0/24");

        VpnConnection created =
                aliceVpns.createVpnConnection(connection(gateway, office, "192.168.0.0/24", "192.168.8.0/22"));
        assertThat(created.getVpnConnectionId()).startsWith("vpn-");
        assertThat(created.getVpcId()).isEqualTo(vpc.getVpcId());
        assertThat(created.getOnPremisesCidrBlocks()).containsExactly("192.168.0.0/24", "192.168.8.0/22");
        assertThat(created.getPresharedKeySet()).isFalse();
        assertThat(aliceVpns.getVpnConnection(created.getVpnConnectionId())).isEqualTo(created);

        List<EffectiveRoute> expected = List.of(
                new EffectiveRoute()
                        .destinationCidrBlock("192.168.0.0/24")
                        .targetType(RouteTargetType.VPN_GATEWAY)
                        .targetId(gateway.getVpnGatewayId())
                        .state(RouteState.ACTIVE),
                new EffectiveRoute()
                        .destinationCidrBlock("192.168.8.0/22")
                        .targetType(RouteTargetType.VPN_GATEWAY)
                        .targetId(gateway.getVpnGatewayId())
                        .state(RouteState.ACTIVE));
        assertThat(vpnRoutes()).containsExactlyElementsOf(expected);
        assertThat(alice.subnets().getSubnetRoutes(second.getSubnetId()).getRoutes())
                .containsAll(expected);

        // The gateway and the customer gateway are in use; a VPC block may not take on-premises addresses.
        assertRefused(409, "IncorrectState", () -> {
            aliceVgws.deleteVpnGateway(gateway.getVpnGatewayId());
            return null;
        });
        assertRefused(409, "IncorrectState", () -> {
            aliceCgws.deleteCustomerGateway(office.getCustomerGatewayId());
            return null;
        });
        assertRefused(
                400,
                "InvalidVpc.Range",
                () -> alice.vpcs()
                        .associateVpcCidrBlock(vpc.getVpcId(), new CidrBlockCreate().cidrBlock("192.168.8.0/24")));

        VpnConnectionsApi bobVpns = new VpnConnectionsApi(bob.api());
        assertRefused(
                404, "InvalidVpnConnectionID.NotFound", () -> bobVpns.getVpnConnection(created.getVpnConnectionId()));
        assertRefused(404, "InvalidVpnConnectionID.NotFound", () -> {
            bobVpns.deleteVpnConnection(created.getVpnConnectionId());
            return null;
        });
        assertThat(bobVpns.listVpnConnections(null, null, null).getItems()).isEmpty();

        // detached, the gateway routes nothing and its connection stays; attached again, the routes return
        aliceVgws.detachVpnGateway(gateway.getVpnGatewayId());
        assertThat(vpnRoutes()).isEmpty();
        assertThat(aliceVpns.getVpnConnection(created.getVpnConnectionId()).getVpcId())
                .isNull();
        assertRefused(409, "DependencyViolation", () -> {
            aliceVgws.deleteVpnGateway(gateway.getVpnGatewayId());
            return null;
        });
        aliceVgws.attachVpnGateway(gateway.getVpnGatewayId(), new VpnGatewayAttach().vpcId(vpc.getVpcId()));
        assertThat(vpnRoutes()).containsExactlyElementsOf(expected);

        aliceVpns.deleteVpnConnection(created.getVpnConnectionId());
        assertThat(vpnRoutes()).isEmpty();
        aliceCgws.deleteCustomerGateway(office.getCustomerGatewayId());
        aliceVgws.detachVpnGateway(gateway.getVpnGatewayId());
        aliceVgws.deleteVpnGateway(gateway.getVpnGatewayId());
    }

    @Test
    void onPremisesBlocksMayNotOverlapWhatTheVpcAlreadyRoutesAndRefusalsStoreNothing() throws Exception {
        VpnGateway gateway = vgw(vpc.getVpcId());
        CustomerGateway office = cgw(aliceCgws);
        CustomerGateway branch = cgw(aliceCgws);
        aliceVpns.createVpnConnection(connection(gateway, office, "192.168.0.0/24"));
        Vpc peer = alice.vpc("172.16.0.0/16");
        new PeeringsApi(alice.api())
                .createPeering(
                        new PeeringCreate().requesterVpcId(vpc.getVpcId()).accepterVpcId(peer.getVpcId()));
        long storedBefore = storedConnections.count();

        // The VPC's own block, another connection's block, an active peer's block.
        assertRefused(
                409,
                "InvalidVpnConnection.Overlap",
                () -> aliceVpns.createVpnConnection(connection(gateway, branch, "10.0.128.0/20")));
        assertRefused(
                409,
                "InvalidVpnConnection.Overlap",
                () -> aliceVpns.createVpnConnection(connection(gateway, branch, "192.168.0.128/25")));
        assertRefused(
                409,
                "InvalidVpnConnection.Overlap",
                () -> aliceVpns.createVpnConnection(connection(gateway, branch, "192.168.1.0/24", "172.16.5.0/24")));
        // Within the request, malformed, none.
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> aliceVpns.createVpnConnection(connection(gateway, branch, "192.168.4.0/22", "192.168.5.0/24")));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> aliceVpns.createVpnConnection(connection(gateway, branch, "192.168.300.0/24")));
        assertRefused(400, "MissingParameter", () -> aliceVpns.createVpnConnection(connection(gateway, branch)));
        // Keys: malformed PSK, both PSK forms, a second peer with the same public key on one gateway.
        assertRefused(
                400,
                "InvalidKey.Format",
                () -> aliceVpns.createVpnConnection(
                        connection(gateway, branch, "192.168.1.0/24").presharedKey("short")));
        assertRefused(
                400,
                "InvalidParameterCombination",
                () -> aliceVpns.createVpnConnection(connection(gateway, branch, "192.168.1.0/24")
                        .presharedKey(newPublicKey())
                        .generatePresharedKey(true)));
        CustomerGateway sameKey = aliceCgws.createCustomerGateway(
                new CustomerGatewayCreate().ipAddress("203.0.113.9").publicKey(office.getPublicKey()));
        assertRefused(
                409,
                "InvalidCustomerGateway.DuplicatePublicKey",
                () -> aliceVpns.createVpnConnection(connection(gateway, sameKey, "192.168.1.0/24")));
        // Another tenant's customer gateway, or one that does not exist.
        CustomerGateway bobs = cgw(new CustomerGatewaysApi(bob.api()));
        assertRefused(
                404,
                "InvalidCustomerGatewayID.NotFound",
                () -> aliceVpns.createVpnConnection(connection(gateway, bobs, "192.168.1.0/24")));
        assertRefused(
                404,
                "InvalidVpnGatewayID.NotFound",
                () -> new VpnConnectionsApi(bob.api())
                        .createVpnConnection(connection(gateway, bobs, "192.168.1.0/24")));

        assertThat(storedConnections.count()).isEqualTo(storedBefore);
        assertThat(aliceConnections()).hasSize(1);
        assertThat(vpnRoutes())
                .extracting(EffectiveRoute::getDestinationCidrBlock)
                .containsExactly("192.168.0.0/24");

        // Disjoint blocks from another peer are fine.
        aliceVpns.createVpnConnection(connection(gateway, branch, "192.168.1.0/24"));
        assertThat(vpnRoutes())
                .extracting(EffectiveRoute::getDestinationCidrBlock)
                .containsExactlyInAnyOrder("192.168.0.0/24", "192.168.1.0/24");
    }

    @Test
    void theHostAndTheTenantStayWhileTheyHoldVpnGateways() throws Exception {
        String ownHost = newHost().getHost().getHostId();
        VpnGateway gateway = aliceVgws.createVpnGateway(
                new VpnGatewayCreate().vpcId(vpc.getVpcId()).hostId(ownHost));
        assertThat(gateway.getHostId()).isEqualTo(ownHost);
        assertRefused(409, "DependencyViolation", () -> {
            new HostsApi(admin()).deregisterHost(ownHost);
            return null;
        });
        aliceVgws.detachVpnGateway(gateway.getVpnGatewayId());
        aliceVgws.deleteVpnGateway(gateway.getVpnGatewayId());
        new HostsApi(admin()).deregisterHost(ownHost);

        TenantClient carol = newTenant();
        CustomerGateway carols = cgw(new CustomerGatewaysApi(carol.api()));
        assertRefused(409, "DependencyViolation", () -> {
            new TenantsApi(admin()).deleteTenant(carol.tenantId(), null);
            return null;
        });
        new CustomerGatewaysApi(carol.api()).deleteCustomerGateway(carols.getCustomerGatewayId());
        new TenantsApi(admin()).deleteTenant(carol.tenantId(), null);
    }

    @Test
    void secretsNeverLeaveExceptThePresharedKeyOnceAndInTheConfiguration() throws Exception {
        VpnGateway gateway = vgw(vpc.getVpcId());
        CustomerGateway office = cgw(aliceCgws);
        VpnConnection created = aliceVpns.createVpnConnection(
                connection(gateway, office, "192.168.0.0/24").generatePresharedKey(true));
        String psk = created.getPresharedKey();
        assertThat(WireGuardKeys.fromBase64(psk)).hasSize(32);
        assertThat(created.getPresharedKeySet()).isTrue();
        String privateKey = storedPrivateKey(gateway);

        List<String> reads = List.of(
                "/api/v1/vpn-gateways",
                "/api/v1/vpn-gateways/" + gateway.getVpnGatewayId(),
                "/api/v1/vpn-connections",
                "/api/v1/vpn-connections/" + created.getVpnConnectionId(),
                "/api/v1/customer-gateways",
                "/api/v1/customer-gateways/" + office.getCustomerGatewayId(),
                "/api/v1/subnets/" + subnet.getSubnetId() + "/routes",
                "/api/v1/vpcs/" + vpc.getVpcId());
        for (String path : reads) {
            HttpResponse<String> answer = raw("GET", path, alice.token(), null);
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            assertThat(answer.body()).as(path).doesNotContain(privateKey).doesNotContain(psk);
        }
        assertThat(aliceVpns.getVpnConnection(created.getVpnConnectionId()).getPresharedKey())
                .isNull();
        HttpResponse<String> configuration = raw(
                "GET",
                "/api/v1/vpn-connections/" + created.getVpnConnectionId() + "/configuration",
                alice.token(),
                null);
        assertThat(configuration.body()).contains("PresharedKey = " + psk).doesNotContain(privateKey);
        String sealedPsk = storedConnections
                .findById(created.getVpnConnectionId())
                .orElseThrow()
                .sealedPresharedKey();
        assertThat(sealedPsk).as("stored sealed, not plain").doesNotContain(psk);
        assertThat(sealer.open(created.getVpnConnectionId(), sealedPsk)).isEqualTo(psk);

        // A given preshared key is kept as given.
        String given = WireGuardKeys.toBase64(WireGuardKeys.generatePrivateKey());
        VpnConnection withGiven = aliceVpns.createVpnConnection(
                connection(gateway, cgw(aliceCgws), "192.168.1.0/24").presharedKey(given));
        assertThat(withGiven.getPresharedKey()).isEqualTo(given);
    }

    @Test
    void theConfigurationIsAWgQuickFileForTheOnPremisesSide() throws Exception {
        alice.vpcs().associateVpcCidrBlock(vpc.getVpcId(), new CidrBlockCreate().cidrBlock("10.1.0.0/16"));
        VpnGateway gateway = aliceVgws.createVpnGateway(
                new VpnGatewayCreate().vpcId(vpc.getVpcId()).hostId(host).listenPort(51821));
        CustomerGateway office = cgw(aliceCgws);
        VpnConnection created = aliceVpns.createVpnConnection(
                connection(gateway, office, "192.168.0.0/24").generatePresharedKey(true));
        String path = "/api/v1/vpn-connections/" + created.getVpnConnectionId() + "/configuration";

        HttpResponse<String> answer = raw("GET", path, alice.token(), null);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        WgQuickFile file = WgQuickFile.parse(answer.body());
        assertThat(file.sections()).containsExactly("Interface", "Peer");
        assertThat(file.values("Interface"))
                .as("an address inside the first on-premises block, for wg-quick up")
                .containsExactly(
                        java.util.Map.entry("Address", "192.168.0.1/32"), java.util.Map.entry("ListenPort", "51820"));
        assertThat(file.commentsOf("Interface"))
                .anySatisfy(comment ->
                        assertThat(comment).startsWith("PrivateKey = ").contains(office.getPublicKey()));
        assertThat(file.values("Peer"))
                .containsEntry("PublicKey", gateway.getPublicKey())
                .containsEntry("PresharedKey", created.getPresharedKey())
                .containsEntry("Endpoint", "127.0.0.1:51821")
                .containsEntry("AllowedIPs", "10.0.0.0/16, 10.1.0.0/16")
                .containsEntry("PersistentKeepalive", "25")
                .hasSize(5);
        WireGuardPeerConfig peer = file.peer();
        assertThat(peer.publicKey())
                .as("the file read back, as the on-premises side configures its peer")
                .isEqualTo(WireGuardKeys.fromBase64(gateway.getPublicKey()));
        assertThat(peer.presharedKey()).isEqualTo(WireGuardKeys.fromBase64(created.getPresharedKey()));
        assertThat(peer.endpoint()).isEqualTo(new InetSocketAddress("127.0.0.1", 51821));
        assertThat(peer.allowedIps()).containsExactly(Ipv4Prefix.parse("10.0.0.0/16"), Ipv4Prefix.parse("10.1.0.0/16"));
        assertThat(peer.persistentKeepaliveSeconds()).isEqualTo(WgQuickConfiguration.PERSISTENT_KEEPALIVE_SECONDS);
        // Once the customer fills the private key in, `wg setconf` accepts every key (after wg-quick strip).
        String filled = answer.body()
                .replace(
                        "[Interface]\n",
                        "[Interface]\nPrivateKey = " + WireGuardKeys.toBase64(WireGuardKeys.generatePrivateKey())
                                + "\n");
        requireWgSetconfKeys(WgQuickFile.parse(filled));

        assertRefused(
                404,
                "InvalidVpnConnectionID.NotFound",
                () -> new VpnConnectionsApi(bob.api()).getVpnConnectionConfiguration(created.getVpnConnectionId()));
    }

    private static final Set<String> WG_QUICK_ONLY =
            Set.of("Address", "DNS", "MTU", "Table", "PreUp", "PostUp", "PreDown", "PostDown", "SaveConfig");
    private static final Map<String, Set<String>> WG_SETCONF_KEYS = Map.of(
            "Interface", Set.of("PrivateKey", "ListenPort", "FwMark"),
            "Peer", Set.of("PublicKey", "PresharedKey", "AllowedIPs", "Endpoint", "PersistentKeepalive"));

    /**
     * Applies {@code wg-quick strip} (drops the keys only wg-quick knows) and checks that what is
     * left is what {@code wg setconf} accepts, with values of the right shape.
     */
    private static void requireWgSetconfKeys(WgQuickFile file) {
        file.valuesBySection()
                .forEach((section, values) -> values.forEach((key, value) -> {
                    if (WG_QUICK_ONLY.contains(key)) {
                        return;
                    }
                    assertThat(WG_SETCONF_KEYS.get(section))
                            .as("wg setconf knows %s in [%s]", key, section)
                            .contains(key);
                    switch (key) {
                        case "PrivateKey", "PublicKey", "PresharedKey" ->
                            assertThat(WireGuardKeys.fromBase64(value)).hasSize(WireGuardKeys.KEY_LENGTH);
                        case "Endpoint" -> {
                            int colon = value.lastIndexOf(':');
                            assertThat(Ipv4Prefix.parseAddress(value.substring(0, colon)))
                                    .isNotNull();
                            assertThat(Integer.parseInt(value.substring(colon + 1)))
                                    .isBetween(1, 65_535);
                        }
                        case "AllowedIPs" -> {
                            for (String block : value.split(",")) {
                                assertThat(Ipv4Prefix.parseOrNull(block.strip()))
                                        .as(block)
                                        .isNotNull();
                            }
                        }
                        case "PersistentKeepalive", "ListenPort" ->
                            assertThat(Integer.parseInt(value)).isBetween(1, 65_535);
                        default -> {}
                    }
                }));
        assertThat(file.values("Interface"))
                .as("a usable interface has its private key")
                .containsKey("PrivateKey");
    }
}
