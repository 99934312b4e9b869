package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.vpc.VpcCidrBlockAdding;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import jakarta.persistence.EntityManager;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * VPN connections. A create locks the VPC, then the VPN gateway, then the customer gateway (the
 * order their deletes take them in), so a connection never lands on a gateway being deleted, and
 * checks its on-premises blocks against everything the VPC already routes: its own blocks, the
 * blocks of its other VPN connections and of its active peers.
 */
@Service
public class VpnConnectionService {

    /** Bounds the stored list and the routes each connection adds to every subnet of the VPC. */
    public static final int MAX_ON_PREMISES_CIDR_BLOCKS = 50;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final VpnConnectionRepository connections;
    private final VpnGatewayService vpnGateways;
    private final CustomerGatewayService customerGateways;
    private final OnPremisesOverlap overlap;
    private final ApplicationEventPublisher events;
    private final VpnKeySealer sealer;
    private final EntityManager entityManager;

    VpnConnectionService(
            VpnConnectionRepository connections,
            VpnGatewayService vpnGateways,
            CustomerGatewayService customerGateways,
            OnPremisesOverlap overlap,
            ApplicationEventPublisher events,
            VpnKeySealer sealer,
            EntityManager entityManager) {
        this.sealer = sealer;
        this.entityManager = entityManager;
        this.connections = connections;
        this.vpnGateways = vpnGateways;
        this.customerGateways = customerGateways;
        this.overlap = overlap;
        this.events = events;
    }

    public record Creation(
            String vpnGatewayId,
            String customerGatewayId,
            List<String> onPremisesCidrBlocks,
            String presharedKey,
            boolean generatePresharedKey) {}

    /** The creation's answer: the connection and, once, its preshared key (null when none). */
    public record Created(VpnConnection connection, String presharedKey) {}

    @Transactional
    public Created create(Caller caller, Creation creation) {
        caller.requireAdminOrTenant();
        if (creation.vpnGatewayId() == null || creation.vpnGatewayId().isBlank()) {
            throw ApiException.badRequest("MissingParameter", "vpnGatewayId is required");
        }
        if (creation.customerGatewayId() == null || creation.customerGatewayId().isBlank()) {
            throw ApiException.badRequest("MissingParameter", "customerGatewayId is required");
        }
        List<Ipv4Prefix> blocks = onPremisesBlocks(creation.onPremisesCidrBlocks());
        String presharedKey = presharedKey(creation);
        VpnGateway vpnGateway = vpnGateways.lockForMutation(caller, creation.vpnGatewayId());
        CustomerGateway customerGateway = customerGateways.lockVisible(caller, creation.customerGatewayId());
        if (!customerGateway.tenantId().equals(vpnGateway.tenantId())) {
            // Another tenant's customer gateway is as unknown as a missing one.
            throw CustomerGatewayService.notFound(customerGateway.id());
        }
        // a VPC has one gateway: the gateway's connections are the VPC's
        List<VpnConnection> ofGateway = connections.findByVpnGatewayIdOrderById(vpnGateway.id());
        requireDistinctPeer(customerGateway, ofGateway);
        overlap.refuse(vpnGateway.vpcId(), blocks, ofGateway);
        String connectionId = Ids.newId(Ids.VPN_CONNECTION);
        VpnConnection connection = connections.saveAndFlush(new VpnConnection(
                connectionId,
                vpnGateway.tenantId(),
                vpnGateway.vpcId(),
                vpnGateway.id(),
                customerGateway.id(),
                blocks,
                presharedKey == null ? null : sealer.seal(connectionId, presharedKey),
                Times.now()));
        events.publishEvent(new VpnChanged(connection.vpcId(), connection.id(), ChangeKind.CREATED));
        return new Created(connection, presharedKey);
    }

    /** The connection's preshared key in WireGuard base64, null when it has none: never for a listing. */
    String presharedKey(VpnConnection connection) {
        return sealer.presharedKey(connection);
    }

    @Transactional(readOnly = true)
    public VpnConnection get(Caller caller, String vpnConnectionId) {
        caller.requireAdminOrTenant();
        return connections
                .findById(vpnConnectionId)
                .filter(c -> caller.canSee(c.tenantId()))
                .orElseThrow(() -> notFound(vpnConnectionId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<VpnConnection> list(Caller caller, String vpcId, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                connections.page(caller.tenantScope(), vpcId, page.afterId(), Limit.of(page.fetchSize())),
                VpnConnection::id);
    }

    @Transactional
    public void delete(Caller caller, String vpnConnectionId) {
        VpnConnection visible = get(caller, vpnConnectionId);
        vpnGateways.lockForMutation(caller, visible.vpnGatewayId());
        VpnConnection connection = connections.findById(vpnConnectionId).orElseThrow(() -> notFound(vpnConnectionId));
        connections.delete(connection);
        connections.flush();
        events.publishEvent(new VpnChanged(connection.vpcId(), connection.id(), ChangeKind.DELETED));
    }

    /**
     * Adds a static route: one more on-premises block the VPC sends into the tunnel (EC2's
     * CreateVpnConnectionRoute). A block already routed answers RouteAlreadyExists, an overlapping
     * one InvalidVpnConnection.Overlap.
     */
    @Transactional
    public VpnConnection addRoute(Caller caller, String vpnConnectionId, String destinationCidrBlock) {
        Ipv4Prefix block = Ipv4Parameters.prefix(requireCidr(destinationCidrBlock), "destinationCidrBlock");
        VpnConnection connection = lockForRouteChange(caller, vpnConnectionId);
        List<Ipv4Prefix> blocks = new ArrayList<>(connection.onPremisesCidrs());
        if (blocks.contains(block)) {
            throw ApiException.conflict(
                    "RouteAlreadyExists", "VPN connection " + vpnConnectionId + " already routes " + block);
        }
        if (blocks.size() >= MAX_ON_PREMISES_CIDR_BLOCKS) {
            throw ApiException.badRequest(
                    "RouteLimitExceeded",
                    "VPN connection " + vpnConnectionId + " has " + blocks.size() + " static routes; at most "
                            + MAX_ON_PREMISES_CIDR_BLOCKS);
        }
        overlap.refuse(
                connection.vpcId(), List.of(block), connections.findByVpnGatewayIdOrderById(connection.vpnGatewayId()));
        blocks.add(block);
        connection.routeOnPremises(blocks);
        connections.flush();
        events.publishEvent(new VpnChanged(connection.vpcId(), connection.id(), ChangeKind.UPDATED));
        return connection;
    }

    /** Removes a static route (EC2's DeleteVpnConnectionRoute); one the connection lacks answers InvalidRoute.NotFound. */
    @Transactional
    public VpnConnection removeRoute(Caller caller, String vpnConnectionId, String destinationCidrBlock) {
        Ipv4Prefix block = Ipv4Parameters.prefix(requireCidr(destinationCidrBlock), "destinationCidrBlock");
        VpnConnection connection = lockForRouteChange(caller, vpnConnectionId);
        List<Ipv4Prefix> blocks = new ArrayList<>(connection.onPremisesCidrs());
        if (!blocks.remove(block)) {
            throw ApiException.notFound(
                    "InvalidRoute.NotFound", "VPN connection " + vpnConnectionId + " has no static route to " + block);
        }
        connection.routeOnPremises(blocks);
        connections.flush();
        events.publishEvent(new VpnChanged(connection.vpcId(), connection.id(), ChangeKind.UPDATED));
        return connection;
    }

    /** The connection re-read after its VPC and gateway are locked, as every change to a gateway's connections is. */
    private VpnConnection lockForRouteChange(Caller caller, String vpnConnectionId) {
        VpnConnection visible = get(caller, vpnConnectionId);
        vpnGateways.lockForMutation(caller, visible.vpnGatewayId());
        VpnConnection connection = connections.findById(vpnConnectionId).orElseThrow(() -> notFound(vpnConnectionId));
        // the instance read before the locks may predate another route change
        entityManager.refresh(connection);
        return connection;
    }

    private static String requireCidr(String destinationCidrBlock) {
        if (destinationCidrBlock == null || destinationCidrBlock.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "destinationCidrBlock is required");
        }
        return destinationCidrBlock;
    }

    /** The connections of a VPC, for its routes and its gateway's table section. */
    @Transactional(readOnly = true)
    public List<VpnConnection> ofVpc(String vpcId) {
        return connections.findByVpcIdOrderById(vpcId);
    }

    /** A VPC block may not take addresses a VPN connection already routes on premises. */
    @EventListener
    void refuseBlockOverlappingVpnRoutes(VpcCidrBlockAdding adding) {
        for (VpnConnection connection : connections.findByVpcIdOrderById(adding.vpcId())) {
            for (Ipv4Prefix onPremises : connection.onPremisesCidrs()) {
                if (onPremises.overlaps(adding.cidrBlock())) {
                    throw ApiException.badRequest(
                            "InvalidVpc.Range",
                            adding.cidrBlock() + " overlaps on-premises block " + onPremises + " of VPN connection "
                                    + connection.id());
                }
            }
        }
    }

    private static List<Ipv4Prefix> onPremisesBlocks(List<String> texts) {
        if (texts == null) {
            throw ApiException.badRequest(
                    "MissingParameter", "onPremisesCidrBlocks is required ([] for none yet: add static routes later)");
        }
        if (texts.size() > MAX_ON_PREMISES_CIDR_BLOCKS) {
            throw ApiException.invalidParameter("onPremisesCidrBlocks has " + texts.size() + " blocks; at most "
                    + MAX_ON_PREMISES_CIDR_BLOCKS + " per connection");
        }
        List<Ipv4Prefix> blocks = new ArrayList<>();
        for (String text : texts) {
            Ipv4Prefix block = Ipv4Parameters.prefix(text, "onPremisesCidrBlocks");
            for (Ipv4Prefix earlier : blocks) {
                if (earlier.overlaps(block)) {
                    throw ApiException.invalidParameter(
                            "onPremisesCidrBlocks " + earlier + " and " + block + " overlap; list each range once");
                }
            }
            blocks.add(block);
        }
        return blocks;
    }

    private static String presharedKey(Creation creation) {
        if (creation.generatePresharedKey()) {
            if (creation.presharedKey() != null) {
                throw ApiException.badRequest(
                        "InvalidParameterCombination", "give presharedKey or generatePresharedKey, not both");
            }
            byte[] key = new byte[WireGuardKeys.KEY_LENGTH];
            RANDOM.nextBytes(key);
            return WireGuardKeys.toBase64(key);
        }
        return creation.presharedKey() == null
                ? null
                : WireGuardParameters.key(creation.presharedKey(), "presharedKey");
    }

    /** WireGuard tells peers apart by public key: one VPN gateway cannot have two peers with one key. */
    private void requireDistinctPeer(CustomerGateway customerGateway, List<VpnConnection> ofVpc) {
        for (VpnConnection existing : ofVpc) {
            CustomerGateway other = customerGateways.get(Caller.admin(), existing.customerGatewayId());
            if (other.publicKey().equals(customerGateway.publicKey())) {
                throw ApiException.conflict(
                        "InvalidCustomerGateway.DuplicatePublicKey",
                        "VPN connection " + existing.id() + " already reaches a customer gateway with public key "
                                + customerGateway.publicKey() + " through this VPN gateway");
            }
        }
    }

    static ApiException notFound(String vpnConnectionId) {
        return ApiException.notFound(
                "InvalidVpnConnectionID.NotFound", "VPN connection " + vpnConnectionId + " does not exist");
    }

    @EventListener
    @Order(TenantEmptying.VPN_CONNECTIONS)
    void deleteConnectionsOfEmptiedTenant(TenantEmptying emptying) {
        for (VpnConnection connection : connections.page(emptying.tenantId(), null, "", Limit.unlimited())) {
            delete(Caller.admin(), connection.id());
        }
    }
}
