package io.vpclab.topology.apply;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.CustomerGatewaysApi;
import io.vpclab.client.api.VpnConnectionsApi;
import io.vpclab.client.api.VpnGatewaysApi;
import io.vpclab.client.model.CustomerGateway;
import io.vpclab.client.model.CustomerGatewayCreate;
import io.vpclab.client.model.VpnConnection;
import io.vpclab.client.model.VpnConnectionCreate;
import io.vpclab.client.model.VpnGateway;
import io.vpclab.client.model.VpnGatewayCreate;
import io.vpclab.dataplane.wireguard.WgQuickFile;
import io.vpclab.dataplane.wireguard.WireGuardPeer;
import io.vpclab.dataplane.wireguard.WireGuardPeerConfig;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import io.vpclab.topology.Topology;
import io.vpclab.topology.Topology.CustomerGatewayDecl;
import io.vpclab.topology.Topology.OnPremisesSiteDecl;
import io.vpclab.topology.Topology.TenantDecl;
import io.vpclab.topology.Topology.VpcDecl;
import io.vpclab.topology.Topology.VpnConnectionDecl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The site-to-site VPN of a topology file: customer gateways (found by name in their tenant),
 * each VPC's VPN gateway (one per VPC) and its connections (found by customer gateway). Once the
 * hosts run their tables, each connection to a simulated site is brought up the way an on-premises
 * administrator would: the site's router is configured from the connection's downloaded wg-quick
 * file (gateway key, preshared key, endpoint, the VPC's blocks, keepalive).
 */
final class VpnReconciler {

    /** How long the apply waits for a site's first handshake before running the expectations anyway. */
    static final Duration HANDSHAKE_WAIT = Duration.ofSeconds(20);

    private final ApiClient api;
    private final CustomerGatewaysApi customerGateways;
    private final VpnGatewaysApi vpnGateways;
    private final VpnConnectionsApi connections;
    private final ChangeLog log;
    private final HostDirectory hosts;
    private final Applied applied;
    private final Map<String, OnPremisesSiteDecl> sites = new HashMap<>();
    /** "tenant/customer gateway" -> its ID. */
    private final Map<String, String> customerGatewayIds = new HashMap<>();
    /** "tenant/customer gateway" -> the site it stands for. */
    private final Map<String, String> customerGatewaySites = new HashMap<>();
    /** Connection ID -> the site whose router is its on-premises end. */
    private final Map<String, String> siteConnections = new HashMap<>();

    VpnReconciler(ApiClient api, ChangeLog log, HostDirectory hosts, Applied applied, Topology topology) {
        this.api = api;
        this.customerGateways = new CustomerGatewaysApi(api);
        this.vpnGateways = new VpnGatewaysApi(api);
        this.connections = new VpnConnectionsApi(api);
        this.log = log;
        this.hosts = hosts;
        this.applied = applied;
        topology.onPremisesSites().forEach(s -> sites.put(s.name(), s));
    }

    void customerGateways(TenantDecl tenant) throws ApiException, Refusal {
        if (tenant.customerGateways().isEmpty()) {
            return;
        }
        String tenantId = applied.tenantIds.get(tenant.name());
        List<CustomerGateway> existing = Pages.all(
                        t -> customerGateways.listCustomerGateways(Pages.PAGE_SIZE, t),
                        p -> p.getItems(),
                        p -> p.getNextToken())
                .stream()
                .filter(g -> tenantId.equals(g.getTenantId()))
                .toList();
        for (CustomerGatewayDecl decl : tenant.customerGateways()) {
            String path = tenant.name() + "/" + decl.name();
            OnPremisesSiteDecl site = decl.site() == null ? null : sites.get(decl.site());
            String ip = site == null ? decl.ipAddress() : OnPremisesSites.address(site);
            String publicKey = site == null ? decl.publicKey() : OnPremisesSites.publicKey(site);
            CustomerGateway gateway = existing.stream()
                    .filter(g -> decl.name().equals(g.getName()))
                    .findFirst()
                    .orElse(null);
            if (gateway == null) {
                gateway = customerGateways.createCustomerGateway(new CustomerGatewayCreate()
                        .tenantId(tenantId)
                        .name(decl.name())
                        .ipAddress(ip)
                        .publicKey(publicKey));
                String id = gateway.getCustomerGatewayId();
                log.created("customerGateway", path, id, () -> customerGateways.deleteCustomerGateway(id));
            } else if (!ip.equals(gateway.getIpAddress()) || !publicKey.equals(gateway.getPublicKey())) {
                throw Refusal.conflict("customer gateway " + path + " exists (" + gateway.getCustomerGatewayId()
                        + ") with address " + gateway.getIpAddress() + " and key " + gateway.getPublicKey()
                        + "; the file gives " + ip + " and " + publicKey + " (delete it to change them)");
            } else {
                log.unchanged();
            }
            customerGatewayIds.put(path, gateway.getCustomerGatewayId());
            if (site != null) {
                customerGatewaySites.put(path, site.name());
            }
        }
    }

    /** The VPC's VPN gateway and its connections. */
    void vpc(String tenant, String vpcPath, VpcDecl decl) throws ApiException, Refusal {
        if (decl.vpnGateway() == null) {
            return;
        }
        String vpcId = applied.vpcIds.get(vpcPath);
        VpnGateway gateway = vpnGateways.listVpnGateways(vpcId, Pages.PAGE_SIZE, null).getItems().stream()
                .findFirst()
                .orElse(null);
        String path = vpcPath + "/" + decl.vpnGateway().name();
        if (gateway == null) {
            VpnGatewayCreate create = new VpnGatewayCreate()
                    .vpcId(vpcId)
                    .name(decl.vpnGateway().name())
                    .hostId(
                            decl.vpnGateway().host() == null
                                    ? null
                                    : hosts.id(decl.vpnGateway().host()));
            if (decl.vpnGateway().listenPort() != null) {
                create.listenPort(decl.vpnGateway().listenPort());
            }
            gateway = vpnGateways.createVpnGateway(create);
            String id = gateway.getVpnGatewayId();
            log.created("vpnGateway", path, id, () -> {
                vpnGateways.detachVpnGateway(id); // an attached gateway is not deleted
                vpnGateways.deleteVpnGateway(id);
            });
        } else if (!decl.vpnGateway().name().equals(gateway.getName())) {
            throw Refusal.conflict("VPC " + vpcPath + " already has VPN gateway " + gateway.getVpnGatewayId() + " ("
                    + gateway.getName() + "); a VPC has one, the file names it "
                    + decl.vpnGateway().name());
        } else {
            log.unchanged();
        }
        List<VpnConnection> existing = Pages.all(
                t -> connections.listVpnConnections(vpcId, Pages.PAGE_SIZE, t),
                p -> p.getItems(),
                p -> p.getNextToken());
        for (VpnConnectionDecl connection : decl.vpnConnections()) {
            String customerPath = tenant + "/" + connection.customerGateway();
            String customerGatewayId = customerGatewayIds.get(customerPath);
            String connectionPath = path + " <-> " + connection.customerGateway();
            VpnConnection found = existing.stream()
                    .filter(c -> customerGatewayId.equals(c.getCustomerGatewayId()))
                    .findFirst()
                    .orElse(null);
            if (found == null) {
                found = connections.createVpnConnection(new VpnConnectionCreate()
                        .vpnGatewayId(gateway.getVpnGatewayId())
                        .customerGatewayId(customerGatewayId)
                        .onPremisesCidrBlocks(connection.onPremisesCidrBlocks())
                        .generatePresharedKey(Boolean.TRUE.equals(connection.presharedKey()) ? true : null));
                String id = found.getVpnConnectionId();
                log.created("vpnConnection", connectionPath, id, () -> connections.deleteVpnConnection(id));
            } else if (!Set.copyOf(canonical(connection.onPremisesCidrBlocks()))
                    .equals(Set.copyOf(found.getOnPremisesCidrBlocks()))) {
                throw Refusal.conflict("VPN connection " + connectionPath + " exists (" + found.getVpnConnectionId()
                        + ") for " + found.getOnPremisesCidrBlocks() + "; the file routes "
                        + connection.onPremisesCidrBlocks() + " (delete it to change them)");
            } else {
                log.unchanged();
            }
            String site = customerGatewaySites.get(customerPath);
            if (site != null) {
                siteConnections.put(found.getVpnConnectionId(), site);
            }
        }
    }

    /**
     * After the hosts run their tables: every site a connection reaches runs in this process with
     * its hosts, its router configured from each connection's wg-quick file; waits a bounded time
     * for each tunnel's first handshake. Sites become expectation ends.
     */
    void bringUpSites(Topology topology) throws ApiException, InterruptedException {
        String server = api.getBaseUri();
        Map<String, OnPremisesSites.Running> running = new HashMap<>();
        for (OnPremisesSiteDecl decl : topology.onPremisesSites()) {
            OnPremisesSites.Running site = OnPremisesSites.start(server, decl);
            running.put(decl.name(), site);
            applied.siteHosts.putAll(site.hosts());
        }
        List<WireGuardPeer> peers = new ArrayList<>();
        for (Map.Entry<String, String> connection : siteConnections.entrySet()) {
            OnPremisesSites.Running site = running.get(connection.getValue());
            WireGuardPeerConfig peer = WgQuickFile.parse(connections.getVpnConnectionConfiguration(connection.getKey()))
                    .peer();
            String gatewayKey = WireGuardKeys.toBase64(peer.publicKey());
            WireGuardPeer configured = site.site().peers().stream()
                    .filter(p -> p.publicKey().equals(gatewayKey))
                    .findFirst()
                    .orElse(null);
            if (configured == null) {
                configured = site.site()
                        .connect(
                                peer.publicKey(),
                                peer.presharedKey(),
                                peer.endpoint(),
                                peer.allowedIps(),
                                peer.persistentKeepaliveSeconds());
            }
            peers.add(configured);
        }
        long deadline = System.nanoTime() + HANDSHAKE_WAIT.toNanos();
        while (peers.stream().anyMatch(p -> p.lastHandshakeEpochNanos() == 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static List<String> canonical(List<String> blocks) {
        Set<String> seen = new HashSet<>();
        List<String> canonical = new ArrayList<>();
        for (String block : blocks) {
            String text = Ipv4Prefix.parse(block).toString();
            if (seen.add(text)) {
                canonical.add(text);
            }
        }
        return canonical;
    }
}
