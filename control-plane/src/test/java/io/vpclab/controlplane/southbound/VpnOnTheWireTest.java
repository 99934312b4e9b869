package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.ControlPlaneLab.ping;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.CONVERGENCE;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.INTERNET_IP;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.INTERNET_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiClient;
import io.vpclab.client.api.CustomerGatewaysApi;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.NetworkInsightsApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpnConnectionsApi;
import io.vpclab.client.api.VpnGatewaysApi;
import io.vpclab.client.model.CustomerGatewayCreate;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.EipUpdate;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.NatGatewayCreate;
import io.vpclab.client.model.NatGatewaySubnetAssociate;
import io.vpclab.client.model.NetworkPathAnalysis;
import io.vpclab.client.model.NetworkPathEnd;
import io.vpclab.client.model.NetworkPathEndpoint;
import io.vpclab.client.model.NetworkPathHop;
import io.vpclab.client.model.NetworkPathRequest;
import io.vpclab.client.model.PeeringCreate;
import io.vpclab.client.model.RouteTargetType;
import io.vpclab.client.model.TokenCreate;
import io.vpclab.client.model.VpnConnection;
import io.vpclab.client.model.VpnConnectionCreate;
import io.vpclab.client.model.VpnGateway;
import io.vpclab.client.model.VpnGatewayAttach;
import io.vpclab.client.model.VpnGatewayCreate;
import io.vpclab.client.model.VpnTunnelState;
import io.vpclab.client.model.VpnTunnelStats;
import io.vpclab.controlplane.TestServers;
import io.vpclab.dataplane.wireguard.WgQuickFile;
import io.vpclab.dataplane.wireguard.WireGuardClock;
import io.vpclab.dataplane.wireguard.WireGuardEndpoint;
import io.vpclab.dataplane.wireguard.WireGuardPeerConfig;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The site-to-site VPN through the whole chain: a tenant makes a VPN gateway (on vpn-1), a
 * customer gateway and a connection over the REST API, downloads the on-premises configuration,
 * and the on-premises site is the project's own WireGuard endpoint configured from that file,
 * answering for 192.168.50.10. The instance runs on vpn-2, so both directions cross VXLAN to the
 * gateway's host before the tunnel: instance -> on premises (ping from the instance) and on
 * premises -> instance (echo requests the site sends into the tunnel).
 */
class VpnOnTheWireTest {

    static final String ON_PREMISES_IP = "192.168.50.10";
    static final String INSTANCE_IP = "10.7.2.10";

    private OnTheWireFixture wire;
    private WireGuardEndpoint onPremises;

    @AfterEach
    void stop() {
        if (onPremises != null) {
            onPremises.close();
        }
        if (wire != null) {
            wire.close();
        }
    }

    @Test
    void anInstanceAndAnOnPremisesHostPingEachOtherThroughTheApiMadeVpn() throws Exception {
        wire = OnTheWireFixture.server();
        List<FollowAgent> agents = wire.agents("vpn", 2);
        FollowAgent gatewayHost = agents.get(0);
        FollowAgent instanceHost = agents.get(1);
        String tenantId = wire.tenant("vpn");
        ApiClient tenant = TestServers.client(
                wire.lab().uri().toString(),
                new TenantsApi(wire.admin())
                        .createTenantToken(tenantId, new TokenCreate().description("vpn"))
                        .getToken());
        String vpcId = wire.vpc(tenantId, "10.7.0.0/16");
        wire.subnet(vpcId, "10.7.1.0/24");
        String instanceSubnet = wire.subnet(vpcId, "10.7.2.0/24");
        Instance vm = wire.instance(instanceSubnet, instanceHost, INSTANCE_IP);

        byte[] customerKey = WireGuardKeys.generatePrivateKey();
        Vpn vpn = vpn(tenant, vpcId, gatewayHost, customerKey, true);
        assertThat(new SubnetsApi(tenant).getSubnetRoutes(instanceSubnet).getRoutes())
                .anySatisfy(route -> {
                    assertThat(route.getDestinationCidrBlock()).isEqualTo("192.168.50.0/24");
                    assertThat(route.getTargetType()).isEqualTo(RouteTargetType.VPN_GATEWAY);
                });
        WireGuardPeerConfig peer = vpn.peer();
        wire.awaitConverged();

        AtomicInteger echoReplies = new AtomicInteger();
        AtomicInteger repliesFromPeeredVpc = new AtomicInteger();
        onPremises = WireGuardEndpoint.open(
                customerKey, new InetSocketAddress("127.0.0.1", 0), WireGuardClock.system(), (from, packet) -> {
                    byte[] bytes = new byte[packet.readableBytes()];
                    packet.getBytes(packet.readerIndex(), bytes);
                    if (isEcho(bytes, ECHO_REPLY)) {
                        echoReplies.incrementAndGet();
                        if (source(bytes).equals(PEERED_IP)) {
                            repliesFromPeeredVpc.incrementAndGet();
                        }
                    } else if (isEcho(bytes, ECHO_REQUEST) && destination(bytes).equals(ON_PREMISES_IP)) {
                        onPremises.send(Unpooled.wrappedBuffer(echoReplyTo(bytes)));
                    }
                });
        // the file's VPC CIDR, and a peered VPC's the site routes into the tunnel too
        onPremises.addPeer(allowingMore(peer, List.of("10.9.0.0/16")));

        await().atMost(CONVERGENCE)
                .until(() ->
                        ping(instanceHost, vm.getInstanceId(), ON_PREMISES_IP).getReceived() > 0);

        await().atMost(CONVERGENCE).until(() -> {
            ByteBuf request = Unpooled.wrappedBuffer(echoRequest(ON_PREMISES_IP, INSTANCE_IP));
            try {
                onPremises.send(request);
            } finally {
                request.release();
            }
            return echoReplies.get() > 0;
        });
        assertThat(onPremises.peers()).singleElement().satisfies(p -> {
            assertThat(p.lastHandshakeEpochNanos()).isPositive();
            assertThat(p.rxPackets()).isPositive();
        });

        // the gateway's host reports the tunnel, and the connection shows it
        await().atMost(CONVERGENCE).untilAsserted(() -> {
            VpnTunnelStats tunnel = new VpnConnectionsApi(tenant)
                    .getVpnConnection(vpn.connectionId())
                    .getTunnel();
            assertThat(tunnel).isNotNull();
            assertThat(tunnel.getState()).isEqualTo(VpnTunnelState.UP);
            assertThat(tunnel.getLastHandshakeAt()).isNotNull();
            assertThat(tunnel.getPeerEndpoint())
                    .isEqualTo("127.0.0.1:" + onPremises.localAddress().getPort());
            assertThat(tunnel.getPacketsIn())
                    .as("echo request and reply from on premises")
                    .isGreaterThanOrEqualTo(2);
            assertThat(tunnel.getPacketsOut()).isGreaterThanOrEqualTo(2);
            assertThat(tunnel.getBytesIn()).isPositive();
        });
        assertThat(gatewayHost.counterGroups())
                .as("the agent's metrics")
                .containsKey("vpnTunnel/" + vpn.connectionId());

        // no transit (AWS): a VPC peered with this one is beyond the tunnel's reach; the gateway's
        // host drops what on premises sends there, counted by its own reason
        String peeredVpc = wire.vpc(tenantId, "10.9.0.0/16");
        wire.instance(wire.subnet(peeredVpc, "10.9.1.0/24"), instanceHost, PEERED_IP);
        new PeeringsApi(tenant)
                .createPeering(new PeeringCreate().requesterVpcId(vpcId).accepterVpcId(peeredVpc));
        wire.awaitConverged();
        await().atMost(CONVERGENCE).until(() -> {
            ByteBuf request = Unpooled.wrappedBuffer(echoRequest(ON_PREMISES_IP, PEERED_IP));
            try {
                onPremises.send(request);
            } finally {
                request.release();
            }
            return gatewayHost.counterGroups().get("host").getOrDefault("dropVpnNoTransit", 0L) > 0;
        });
        int repliesBefore = echoReplies.get();
        await().atMost(CONVERGENCE).until(() -> {
            ByteBuf request = Unpooled.wrappedBuffer(echoRequest(ON_PREMISES_IP, INSTANCE_IP));
            try {
                onPremises.send(request);
            } finally {
                request.release();
            }
            return echoReplies.get() > repliesBefore;
        });
        assertThat(repliesFromPeeredVpc)
                .as("echo replies from the peered VPC's instance")
                .hasValue(0);
    }

    /**
     * The gateway's private key is stored sealed (the column is not the key, and no plain column
     * is left), and after the server and the gateway's agent restart, the agent's table carries the
     * opened key and a new on-premises session comes up through it.
     */
    @Test
    void theSealedKeyBringsTheTunnelBackAfterTheServerAndTheGatewaysHostRestart() throws Exception {
        wire = OnTheWireFixture.server();
        int udpBase = FreeUdpPorts.consecutive(2);
        FollowAgent gatewayHost = wire.lab().agent("vpr-1", udpBase);
        FollowAgent instanceHost = wire.lab().agent("vpr-2", udpBase + 1);
        String tenantId = wire.tenant("vpr");
        ApiClient tenant = tenantClient(tenantId);
        String vpcId = wire.vpc(tenantId, "10.7.0.0/16");
        Instance vm = wire.instance(wire.subnet(vpcId, "10.7.2.0/24"), instanceHost, INSTANCE_IP);
        byte[] customerKey = WireGuardKeys.generatePrivateKey();
        Vpn vpn = vpn(tenant, vpcId, gatewayHost, customerKey);
        await().atMost(CONVERGENCE)
                .until(() -> wire.lab().converged(gatewayHost) && wire.lab().converged(instanceHost));
        onPremises = site(vpn.peer(), customerKey, List.of());
        await().atMost(CONVERGENCE)
                .until(() ->
                        ping(instanceHost, vm.getInstanceId(), ON_PREMISES_IP).getReceived() > 0);

        String publicKey = vpn.gateway().getPublicKey();
        try (Connection db = wire.lab().bean(DataSource.class).getConnection();
                Statement sql = db.createStatement();
                ResultSet row = sql.executeQuery("select * from vpn_gateway")) {
            assertThat(row.next()).isTrue();
            assertThatThrownBy(() -> row.findColumn("private_key"))
                    .as("no plain column")
                    .isInstanceOf(SQLException.class);
            String stored = row.getString("private_key_sealed");
            assertThat(Base64.getDecoder().decode(stored))
                    .as("nonce, the sealed 44-character key, tag")
                    .hasSize(12 + 44 + 16);
            assertThat(stored).doesNotContain(appliedPrivateKey(gatewayHost));
        }
        assertThat(WireGuardKeys.toBase64(
                        WireGuardKeys.publicKey(WireGuardKeys.fromBase64(appliedPrivateKey(gatewayHost)))))
                .as("the host got the key the public key belongs to")
                .isEqualTo(publicKey);

        gatewayHost.close();
        onPremises.close();
        wire.lab().stopServer();
        wire.lab().startServer();
        FollowAgent restarted = wire.lab().agent("vpr-1", udpBase);
        await().atMost(CONVERGENCE)
                .until(() -> wire.lab().converged(restarted) && wire.lab().converged(instanceHost));
        assertThat(WireGuardKeys.toBase64(
                        WireGuardKeys.publicKey(WireGuardKeys.fromBase64(appliedPrivateKey(restarted)))))
                .as("opened after the restart")
                .isEqualTo(publicKey);

        onPremises = site(vpn.peer(), customerKey, List.of());
        await().atMost(CONVERGENCE)
                .until(() ->
                        ping(instanceHost, vm.getInstanceId(), ON_PREMISES_IP).getReceived() > 0);
        assertThat(onPremises.peers())
                .singleElement()
                .satisfies(p -> assertThat(p.lastHandshakeEpochNanos()).isPositive());

        // detached, the gateway leaves its host's table and the tunnel carries nothing; attached
        // again, with its connection, a new on-premises session comes up through it
        VpnGatewaysApi gateways = new VpnGatewaysApi(tenant);
        String gatewayId = vpn.gateway().getVpnGatewayId();
        gateways.detachVpnGateway(gatewayId);
        await().atMost(CONVERGENCE)
                .until(() -> wire.lab().converged(restarted) && wire.lab().converged(instanceHost));
        assertThat(restarted.appliedTable().getVpnGateways()).isEmpty();
        int repliesBefore = repliesFrom(INSTANCE_IP);
        sendEcho(INSTANCE_IP);
        assertThat(ping(instanceHost, vm.getInstanceId(), ON_PREMISES_IP).getReceived())
                .isZero();
        assertThat(repliesFrom(INSTANCE_IP))
                .as("echo replies through a detached gateway")
                .isEqualTo(repliesBefore);

        gateways.attachVpnGateway(gatewayId, new VpnGatewayAttach().vpcId(vpcId));
        await().atMost(CONVERGENCE)
                .until(() -> wire.lab().converged(restarted) && wire.lab().converged(instanceHost));
        onPremises.close();
        onPremises = site(vpn.peer(), customerKey, List.of());
        awaitAnswerFrom(INSTANCE_IP);
        await().atMost(CONVERGENCE)
                .until(() ->
                        ping(instanceHost, vm.getInstanceId(), ON_PREMISES_IP).getReceived() > 0);
    }

    /**
     * No transit toward the NAT gateway or an elastic IP (AWS): the gateway's subnet routes
     * 0.0.0.0/0 to a NAT gateway that its instance uses to reach the internet host, and another
     * instance's elastic IP answers the internet; yet what on premises sends to the internet host or
     * to that elastic IP is dropped at the gateway's host as VPN_NO_TRANSIT and nothing answers,
     * while the instance keeps answering through the tunnel.
     */
    @Test
    void onPremisesReachesNeitherTheInternetThroughTheNatGatewayNorAnElasticIp() throws Exception {
        wire = OnTheWireFixture.withInternetHostOn("vpt-2");
        List<FollowAgent> agents = wire.agents("vpt", 2);
        FollowAgent gatewayHost = agents.get(0);
        FollowAgent instanceHost = agents.get(1);
        String tenantId = wire.tenant("vpt");
        ApiClient tenant = tenantClient(tenantId);
        String vpcId = wire.vpc(tenantId, "10.7.0.0/16");
        List<String> subnetIds = Stream.of(wire.subnet(vpcId, "10.7.1.0/24"), wire.subnet(vpcId, "10.7.2.0/24"))
                .sorted()
                .toList();
        // the VPN gateway's side sits in the VPC's first subnet (by id): that one routes to the NAT gateway
        String gatewaySubnet = subnetIds.get(0);
        String publicSubnet = subnetIds.get(1);
        EipsApi eips = new EipsApi(wire.admin());
        NatGatewaysApi natGateways = new NatGatewaysApi(wire.admin());
        String natId = natGateways
                .createNatGateway(new NatGatewayCreate()
                        .subnetId(publicSubnet)
                        .hostId(gatewayHost.hostId())
                        .allocationId(eips.allocateEip(new EipAllocate().tenantId(tenantId))
                                .getAllocationId()))
                .getNatGatewayId();
        natGateways.associateNatGatewaySubnet(natId, new NatGatewaySubnetAssociate().subnetId(gatewaySubnet));
        String privateIp =
                address(new SubnetsApi(tenant).getSubnet(gatewaySubnet).getCidrBlock(), 10);
        String publicIp = address(new SubnetsApi(tenant).getSubnet(publicSubnet).getCidrBlock(), 20);
        Instance inside = wire.instance(gatewaySubnet, instanceHost, privateIp);
        Instance exposed = wire.instance(publicSubnet, instanceHost, publicIp);
        Eip elasticIp = eips.allocateEip(new EipAllocate().tenantId(tenantId));
        eips.associateEip(elasticIp.getAllocationId(), new EipAssociate().instanceId(exposed.getInstanceId()));
        eips.updateEip(elasticIp.getAllocationId(), new EipUpdate().ingressPolicy(IngressPolicy.ALLOW_ALL));
        byte[] customerKey = WireGuardKeys.generatePrivateKey();
        Vpn vpn = vpn(tenant, vpcId, gatewayHost, customerKey);
        assertThat(new SubnetsApi(tenant).getSubnetRoutes(gatewaySubnet).getRoutes())
                .as("the gateway's subnet: the internet through the NAT gateway, on premises through the tunnel")
                .anySatisfy(route -> assertThat(route.getTargetType()).isEqualTo(RouteTargetType.NAT_GATEWAY))
                .anySatisfy(route -> assertThat(route.getTargetType()).isEqualTo(RouteTargetType.VPN_GATEWAY));
        wire.awaitConverged();

        // both ways out exist for the VPC's own traffic
        await().atMost(CONVERGENCE)
                .until(() ->
                        ping(instanceHost, inside.getInstanceId(), INTERNET_IP).getReceived() == 2);
        await().atMost(CONVERGENCE)
                .until(() -> ping(instanceHost, INTERNET_PORT, elasticIp.getPublicIp())
                                .getReceived()
                        == 2);

        onPremises = site(vpn.peer(), customerKey, List.of("0.0.0.0/0"));
        awaitAnswerFrom(privateIp);

        for (String beyond : List.of(INTERNET_IP, elasticIp.getPublicIp())) {
            long dropsBefore = noTransitDrops(gatewayHost);
            await().atMost(CONVERGENCE).until(() -> {
                sendEcho(beyond);
                return noTransitDrops(gatewayHost) > dropsBefore;
            });
        }
        awaitAnswerFrom(privateIp);
        assertThat(repliesBySource)
                .as("echo replies that reached on premises, by source")
                .containsOnlyKeys(privateIp);
        theAnalyzerWalksThroughTheTunnelAsThePacketsDid(tenant, vpn, inside, privateIp, elasticIp.getPublicIp());
    }

    /**
     * The reachability analyzer agrees with the packets above: the instance reaches on premises by
     * its route table's VPN gateway route and the tunnel; on premises reaches the instance; and no
     * transit blocks on premises from the internet and the elastic IP, naming the gateway.
     */
    private void theAnalyzerWalksThroughTheTunnelAsThePacketsDid(
            ApiClient tenant, Vpn vpn, Instance inside, String privateIp, String elasticIp) throws Exception {
        NetworkInsightsApi insights = new NetworkInsightsApi(tenant);
        String gatewayId = vpn.gateway().getVpnGatewayId();
        String connectionId = new VpnConnectionsApi(tenant)
                .listVpnConnections(null, null, null)
                .getItems()
                .get(0)
                .getVpnConnectionId();
        NetworkPathAnalysis out = insights.analyzeNetworkPath(new NetworkPathRequest()
                .source(new NetworkPathEndpoint().instance(inside.getInstanceId()))
                .destination(new NetworkPathEndpoint().ip(ON_PREMISES_IP))
                .protocol(NetworkPathRequest.ProtocolEnum.ICMP));
        assertThat(out.getReachable()).as(out.getHops().toString()).isTrue();
        assertThat(out.getDestination().getType()).isEqualTo(NetworkPathEnd.TypeEnum.ON_PREMISES);
        assertThat(hop(out, NetworkPathHop.ComponentEnum.ROUTE).getRuleId()).isEqualTo("192.168.50.0/24");
        assertThat(hop(out, NetworkPathHop.ComponentEnum.ROUTE).getDetail()).contains("vpn-gateway " + gatewayId);
        NetworkPathHop tunnel = hop(out, NetworkPathHop.ComponentEnum.VPN_GATEWAY);
        assertThat(tunnel.getComponentId()).isEqualTo(gatewayId);
        assertThat(tunnel.getRuleId()).isEqualTo("192.168.50.0/24");
        assertThat(tunnel.getDetail()).contains("WireGuard tunnel of VPN connection " + connectionId);
        assertThat(hop(out, NetworkPathHop.ComponentEnum.DESTINATION).getComponentId())
                .isEqualTo(connectionId);

        NetworkPathAnalysis in = insights.analyzeNetworkPath(new NetworkPathRequest()
                .source(new NetworkPathEndpoint().ip(ON_PREMISES_IP))
                .destination(new NetworkPathEndpoint().ip(privateIp))
                .protocol(NetworkPathRequest.ProtocolEnum.ICMP));
        assertThat(in.getReachable()).as(in.getHops().toString()).isTrue();
        assertThat(in.getSource().getType()).isEqualTo(NetworkPathEnd.TypeEnum.ON_PREMISES);
        assertThat(in.getSource().getId()).isEqualTo(connectionId);
        assertThat(in.getHops().get(1).getComponent()).isEqualTo(NetworkPathHop.ComponentEnum.VPN_GATEWAY);
        assertThat(hop(in, NetworkPathHop.ComponentEnum.DESTINATION).getComponentId())
                .isEqualTo(inside.getInstanceId());

        for (String beyond : List.of(INTERNET_IP, elasticIp)) {
            NetworkPathAnalysis transit = insights.analyzeNetworkPath(new NetworkPathRequest()
                    .source(new NetworkPathEndpoint().ip(ON_PREMISES_IP))
                    .destination(new NetworkPathEndpoint().ip(beyond))
                    .protocol(NetworkPathRequest.ProtocolEnum.ICMP));
            assertThat(transit.getReachable()).as(beyond).isFalse();
            assertThat(transit.getExplanation().getComponent()).isEqualTo(NetworkPathHop.ComponentEnum.VPN_GATEWAY);
            assertThat(transit.getExplanation().getComponentId()).isEqualTo(gatewayId);
            assertThat(transit.getExplanation().getDetail()).startsWith("no transit");
        }
    }

    private static NetworkPathHop hop(NetworkPathAnalysis path, NetworkPathHop.ComponentEnum component) {
        return path.getHops().stream()
                .filter(h -> h.getComponent() == component)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + component + " hop in " + path.getHops()));
    }

    private ApiClient tenantClient(String tenantId) throws io.vpclab.client.ApiException {
        return TestServers.client(
                wire.lab().uri().toString(),
                new TenantsApi(wire.admin())
                        .createTenantToken(tenantId, new TokenCreate().description("vpn"))
                        .getToken());
    }

    /** A VPN gateway, its connection, and the [Peer] of the connection's downloaded file. */
    private record Vpn(VpnGateway gateway, String connectionId, WireGuardPeerConfig peer) {}

    /** A VPN gateway on {@code host}, a customer gateway at 127.0.0.1 with {@code customerKey}, a connection for 192.168.50.0/24. */
    private static Vpn vpn(ApiClient tenant, String vpcId, FollowAgent host, byte[] customerKey)
            throws io.vpclab.client.ApiException {
        return vpn(tenant, vpcId, host, customerKey, false);
    }

    /** The same, the connection with a generated preshared key when {@code presharedKey}. */
    private static Vpn vpn(ApiClient tenant, String vpcId, FollowAgent host, byte[] customerKey, boolean presharedKey)
            throws io.vpclab.client.ApiException {
        VpnGateway gateway = new VpnGatewaysApi(tenant)
                .createVpnGateway(new VpnGatewayCreate()
                        .vpcId(vpcId)
                        .hostId(host.hostId())
                        .listenPort(FreeUdpPorts.consecutive(1)));
        String customerGatewayId = new CustomerGatewaysApi(tenant)
                .createCustomerGateway(new CustomerGatewayCreate()
                        .ipAddress("127.0.0.1")
                        .publicKey(WireGuardKeys.toBase64(WireGuardKeys.publicKey(customerKey))))
                .getCustomerGatewayId();
        VpnConnectionsApi connections = new VpnConnectionsApi(tenant);
        VpnConnection connection = connections.createVpnConnection(new VpnConnectionCreate()
                .vpnGatewayId(gateway.getVpnGatewayId())
                .customerGatewayId(customerGatewayId)
                .onPremisesCidrBlocks(List.of("192.168.50.0/24"))
                .generatePresharedKey(presharedKey ? true : null));
        return new Vpn(
                gateway,
                connection.getVpnConnectionId(),
                WgQuickFile.parse(connections.getVpnConnectionConfiguration(connection.getVpnConnectionId()))
                        .peer());
    }

    private final Map<String, AtomicInteger> repliesBySource = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The on-premises site as a Java WireGuard endpoint configured from the downloaded [Peer]
     * section (plus {@code moreAllowed} it routes into the tunnel too): it answers echo requests to
     * 192.168.50.10 and counts the echo replies it gets, by source.
     */
    private WireGuardEndpoint site(WireGuardPeerConfig peer, byte[] customerKey, List<String> moreAllowed)
            throws java.io.IOException {
        WireGuardEndpoint[] self = new WireGuardEndpoint[1];
        self[0] = WireGuardEndpoint.open(
                customerKey, new InetSocketAddress("127.0.0.1", 0), WireGuardClock.system(), (from, packet) -> {
                    byte[] bytes = new byte[packet.readableBytes()];
                    packet.getBytes(packet.readerIndex(), bytes);
                    if (isEcho(bytes, ECHO_REPLY)) {
                        repliesBySource
                                .computeIfAbsent(source(bytes), s -> new AtomicInteger())
                                .incrementAndGet();
                    } else if (isEcho(bytes, ECHO_REQUEST) && destination(bytes).equals(ON_PREMISES_IP)) {
                        self[0].send(Unpooled.wrappedBuffer(echoReplyTo(bytes)));
                    }
                });
        self[0].addPeer(allowingMore(peer, moreAllowed));
        return self[0];
    }

    private void sendEcho(String destination) {
        ByteBuf request = Unpooled.wrappedBuffer(echoRequest(ON_PREMISES_IP, destination));
        try {
            onPremises.send(request);
        } finally {
            request.release();
        }
    }

    private int repliesFrom(String source) {
        AtomicInteger count = repliesBySource.get(source);
        return count == null ? 0 : count.get();
    }

    /** Sends echo requests from on premises to {@code destination} until one more reply than before arrives. */
    private void awaitAnswerFrom(String destination) {
        int before = repliesFrom(destination);
        await().atMost(CONVERGENCE).until(() -> {
            sendEcho(destination);
            return repliesFrom(destination) > before;
        });
    }

    private static long noTransitDrops(FollowAgent host) {
        return host.counterGroups().get("host").getOrDefault("dropVpnNoTransit", 0L);
    }

    /** The private key in the host's applied table. */
    private static String appliedPrivateKey(FollowAgent host) {
        return host.appliedTable().getVpnGateways().get(0).getPrivateKey();
    }

    /** The address {@code offset} into a /24 block. */
    private static String address(String block, int offset) {
        return Ipv4Prefix.formatAddress(Ipv4Prefix.parse(block).first() + offset);
    }

    private static final String PEERED_IP = "10.9.1.10";

    private static String source(byte[] packet) {
        return Ipv4Address.parse((packet[12] & 0xff) + "." + (packet[13] & 0xff) + "." + (packet[14] & 0xff) + "."
                        + (packet[15] & 0xff))
                .toString();
    }

    /** The downloaded peer, also routing {@code moreAllowed} into the tunnel. */
    private static WireGuardPeerConfig allowingMore(WireGuardPeerConfig peer, List<String> moreAllowed) {
        return new WireGuardPeerConfig(
                peer.publicKey(),
                peer.presharedKey(),
                peer.endpoint(),
                Stream.concat(peer.allowedIps().stream(), moreAllowed.stream().map(Ipv4Prefix::parse))
                        .toList(),
                peer.persistentKeepaliveSeconds());
    }

    static final int ECHO_REQUEST = 8;
    static final int ECHO_REPLY = 0;

    private static boolean isEcho(byte[] packet, int type) {
        return packet.length >= 28 && (packet[9] & 0xff) == 1 && (packet[20] & 0xff) == type;
    }

    private static String destination(byte[] packet) {
        return Ipv4Address.parse((packet[16] & 0xff) + "." + (packet[17] & 0xff) + "." + (packet[18] & 0xff) + "."
                        + (packet[19] & 0xff))
                .toString();
    }

    /** IPv4 + ICMP echo request with 8 bytes of payload. */
    private static byte[] echoRequest(String source, String destination) {
        byte[] packet = new byte[36];
        packet[0] = 0x45;
        packet[3] = (byte) packet.length;
        packet[8] = 64;
        packet[9] = 1;
        putAddress(packet, 12, source);
        putAddress(packet, 16, destination);
        packet[20] = ECHO_REQUEST;
        packet[25] = 0x2a; // id 0x002a
        packet[27] = 1; // sequence 1
        checksum(packet, 0, 20, 10);
        checksum(packet, 20, 16, 22);
        return packet;
    }

    /** The reply: addresses swapped, type 0, checksums recomputed. */
    private static byte[] echoReplyTo(byte[] request) {
        byte[] reply = request.clone();
        System.arraycopy(request, 12, reply, 16, 4);
        System.arraycopy(request, 16, reply, 12, 4);
        reply[8] = 64;
        reply[20] = ECHO_REPLY;
        int headerLength = (reply[0] & 0x0f) * 4;
        checksum(reply, 0, headerLength, 10);
        checksum(reply, headerLength, reply.length - headerLength, headerLength + 2);
        return reply;
    }

    private static void putAddress(byte[] packet, int at, String address) {
        int bits = Ipv4Address.parse(address).bits();
        for (int i = 0; i < 4; i++) {
            packet[at + i] = (byte) (bits >>> (24 - 8 * i));
        }
    }

    /** RFC 1071 over {@code length} bytes from {@code from}, written at {@code field}. */
    private static void checksum(byte[] packet, int from, int length, int field) {
        packet[field] = 0;
        packet[field + 1] = 0;
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int high = packet[from + i] & 0xff;
            int low = i + 1 < length ? packet[from + i + 1] & 0xff : 0;
            sum += (high << 8) | low;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        int value = (int) ~sum & 0xffff;
        packet[field] = (byte) (value >>> 8);
        packet[field + 1] = (byte) value;
    }
}
