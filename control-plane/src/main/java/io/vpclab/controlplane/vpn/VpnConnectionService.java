package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.peering.PeeringService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.vpc.VpcCidrBlockAdding;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
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
    private final VpcService vpcs;
    private final PeeringService peerings;
    private final ApplicationEventPublisher events;
    private final VpnKeySealer sealer;

    VpnConnectionService(
            VpnConnectionRepository connections,
            VpnGatewayService vpnGateways,
            CustomerGatewayService customerGateways,
            VpcService vpcs,
            PeeringService peerings,
            ApplicationEventPublisher events,
            VpnKeySealer sealer) {
        this.sealer = sealer;
        this.connections = connections;
        this.vpnGateways = vpnGateways;
        this.customerGateways = customerGateways;
        this.vpcs = vpcs;
        this.peerings = peerings;
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
        List<VpnConnection> ofVpc = connections.findByVpcIdOrderById(vpnGateway.vpcId());
        requireDistinctPeer(customerGateway, ofVpc);
        requireNoOverlap(vpnGateway.vpcId(), blocks, ofVpc);
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
        if (texts == null || texts.isEmpty()) {
            throw ApiException.badRequest("MissingParameter", "onPremisesCidrBlocks needs at least one CIDR block");
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

    private void requireNoOverlap(String vpcId, List<Ipv4Prefix> blocks, List<VpnConnection> ofVpc) {
        for (Ipv4Prefix block : blocks) {
            for (Ipv4Prefix own : vpcs.get(Caller.admin(), vpcId).cidrs()) {
                refuseOverlap(block, own, "CIDR block " + own + " of VPC " + vpcId);
            }
            for (VpnConnection existing : ofVpc) {
                for (Ipv4Prefix routed : existing.onPremisesCidrs()) {
                    refuseOverlap(block, routed, "on-premises block " + routed + " of VPN connection " + existing.id());
                }
            }
            for (PeeringService.VpcPair pair : peerings.activePairs()) {
                String peer = pair.requesterVpcId().equals(vpcId)
                        ? pair.accepterVpcId()
                        : pair.accepterVpcId().equals(vpcId) ? pair.requesterVpcId() : null;
                if (peer == null) {
                    continue;
                }
                for (Ipv4Prefix peerBlock : vpcs.get(Caller.admin(), peer).cidrs()) {
                    refuseOverlap(block, peerBlock, "CIDR block " + peerBlock + " of peered VPC " + peer);
                }
            }
        }
    }

    private static void refuseOverlap(Ipv4Prefix block, Ipv4Prefix routed, String what) {
        if (block.overlaps(routed)) {
            throw ApiException.conflict(
                    "InvalidVpnConnection.Overlap",
                    "on-premises block " + block + " overlaps " + what + "; the VPC would not know where to route it");
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
