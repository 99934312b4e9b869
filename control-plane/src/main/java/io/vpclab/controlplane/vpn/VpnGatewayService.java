package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.host.Host;
import io.vpclab.controlplane.host.HostChanged;
import io.vpclab.controlplane.host.HostDeleting;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.vpc.VpcDeleting;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.net.WireGuardKeys;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.Comparator;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * VPN gateways, one per VPC. Every change locks the VPC first (as all mutations inside a VPC do),
 * then the gateway row. Placed on a host as NAT gateways are: the named host, else the host with
 * the fewest VPN gateways, else pending until a host registers.
 */
@Service
public class VpnGatewayService {

    private final VpnGatewayRepository gateways;
    private final VpnConnectionRepository connections;
    private final CustomerGatewayRepository customerGateways;
    private final VpcService vpcs;
    private final HostService hosts;
    private final ApplicationEventPublisher events;
    private final EntityManager entityManager;
    private final VpnKeySealer sealer;

    VpnGatewayService(
            VpnGatewayRepository gateways,
            VpnConnectionRepository connections,
            CustomerGatewayRepository customerGateways,
            VpcService vpcs,
            HostService hosts,
            ApplicationEventPublisher events,
            EntityManager entityManager,
            VpnKeySealer sealer) {
        this.sealer = sealer;
        this.gateways = gateways;
        this.connections = connections;
        this.customerGateways = customerGateways;
        this.vpcs = vpcs;
        this.hosts = hosts;
        this.events = events;
        this.entityManager = entityManager;
    }

    public record Creation(String vpcId, String name, String hostId, Integer listenPort) {}

    /** A gateway with the underlay address of its host (null while pending). */
    public record VpnGatewayView(VpnGateway gateway, String endpointIp) {}

    @Transactional
    public VpnGatewayView create(Caller caller, Creation creation) {
        caller.requireAdminOrTenant();
        if (creation.vpcId() == null || creation.vpcId().isBlank()) {
            throw ApiException.badRequest("MissingParameter", "vpcId is required");
        }
        int listenPort = creation.listenPort() == null ? VpnGateway.DEFAULT_LISTEN_PORT : creation.listenPort();
        if (listenPort < 1 || listenPort > 65_535) {
            throw ApiException.invalidParameter("listenPort " + listenPort + " is outside 1..65535");
        }
        VpcService.VpcView vpc = vpcs.lockForMutation(caller, creation.vpcId());
        gateways.findByVpcId(vpc.id()).ifPresent(existing -> {
            throw ApiException.conflict(
                    "InvalidVpcState",
                    "VPC " + vpc.id() + " already has VPN gateway " + existing.id() + "; a VPC has at most one");
        });
        String hostId = place(creation.hostId());
        byte[] privateKey = WireGuardKeys.generatePrivateKey();
        String gatewayId = Ids.newId(Ids.VPN_GATEWAY);
        VpnGateway gateway = gateways.saveAndFlush(new VpnGateway(
                gatewayId,
                vpc.tenantId(),
                vpc.id(),
                creation.name(),
                hostId,
                listenPort,
                WireGuardKeys.toBase64(WireGuardKeys.publicKey(privateKey)),
                sealer.seal(gatewayId, WireGuardKeys.toBase64(privateKey)),
                Times.now()));
        publish(gateway, ChangeKind.CREATED);
        return view(gateway);
    }

    @Transactional(readOnly = true)
    public VpnGatewayView get(Caller caller, String vpnGatewayId) {
        return view(visible(caller, vpnGatewayId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<VpnGatewayView> list(Caller caller, String vpcId, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                        gateways.page(caller.tenantScope(), vpcId, page.afterId(), Limit.of(page.fetchSize())),
                        VpnGateway::id)
                .map(this::view);
    }

    /**
     * What a placed VPN gateway needs on the wire, its private key included: for its host's table
     * only (the southbound reader), never for a response.
     */
    public record Wiring(
            String gatewayId, String name, String hostId, int listenPort, String privateKey, List<Peer> peers) {

        /** One VPN connection: its customer gateway's key and address, and the on-premises CIDRs. */
        public record Peer(
                String connectionId,
                String publicKey,
                String presharedKey,
                String endpointIp,
                List<String> onPremisesCidrs) {}

        @Override
        public String toString() {
            return "Wiring[" + gatewayId + ", host " + hostId + ", UDP " + listenPort + ", " + peers.size() + " peers]";
        }
    }

    /** The VPC's gateway once placed on a host, with its connections in id order; empty otherwise. */
    @Transactional(readOnly = true)
    public java.util.Optional<Wiring> wiring(String vpcId) {
        return gateways.findByVpcId(vpcId)
                .filter(gateway -> gateway.hostId() != null)
                .map(gateway -> new Wiring(
                        gateway.id(),
                        gateway.name(),
                        gateway.hostId(),
                        gateway.listenPort(),
                        sealer.open(gateway.id(), gateway.sealedPrivateKey()),
                        connections.findByVpcIdOrderById(vpcId).stream()
                                .map(connection -> {
                                    CustomerGateway customer = customerGateways
                                            .findById(connection.customerGatewayId())
                                            .orElseThrow();
                                    return new Wiring.Peer(
                                            connection.id(),
                                            customer.publicKey(),
                                            sealer.presharedKey(connection),
                                            customer.ipAddress(),
                                            connection.onPremisesCidrs().stream()
                                                    .map(Object::toString)
                                                    .toList());
                                })
                                .toList()));
    }

    @Transactional
    public void delete(Caller caller, String vpnGatewayId) {
        VpnGateway gateway = lockForMutation(caller, vpnGatewayId);
        if (connections.existsByVpnGatewayId(vpnGatewayId)) {
            throw ApiException.dependencyViolation(
                    "VPN gateway " + vpnGatewayId + " is used by a VPN connection; delete the connection first");
        }
        gateways.delete(gateway);
        gateways.flush();
        publish(gateway, ChangeKind.DELETED);
    }

    /** The gateway, locked after its VPC, for a change to the gateway or its connections. */
    VpnGateway lockForMutation(Caller caller, String vpnGatewayId) {
        VpnGateway gateway = visible(caller, vpnGatewayId);
        vpcs.lockForMutation(caller, gateway.vpcId());
        return gateways.lockById(vpnGatewayId).map(this::fresh).orElseThrow(() -> notFound(vpnGatewayId));
    }

    @EventListener
    void refuseVpcDeleteWithVpnGateway(VpcDeleting deleting) {
        if (gateways.existsByVpcId(deleting.vpcId())) {
            throw ApiException.dependencyViolation("VPC " + deleting.vpcId() + " still has a VPN gateway");
        }
    }

    @EventListener
    void refuseHostDeleteWithVpnGateways(HostDeleting deleting) {
        if (gateways.existsByHostId(deleting.hostId())) {
            throw ApiException.dependencyViolation(
                    "host " + deleting.hostId() + " still runs VPN gateways; delete them first");
        }
    }

    /** A host registered: gateways created while none was are placed on it, in its registration's transaction. */
    @EventListener
    void placePendingGateways(HostChanged changed) {
        if (changed.kind() != ChangeKind.CREATED) {
            return;
        }
        for (VpnGateway pending : gateways.findByHostIdIsNullOrderById()) {
            vpcs.lockForMutation(Caller.admin(), pending.vpcId());
            VpnGateway gateway =
                    gateways.lockById(pending.id()).map(this::fresh).orElse(null);
            if (gateway == null || gateway.hostId() != null) {
                continue;
            }
            gateway.placeOn(hosts.lockForPlacement(changed.hostId(), null).id());
            gateways.flush();
            publish(gateway, ChangeKind.UPDATED);
        }
    }

    private String place(String requestedHostId) {
        if (requestedHostId != null && !requestedHostId.isBlank()) {
            return hosts.lockForPlacement(requestedHostId, null).id();
        }
        List<Host> registered = hosts.list(Caller.admin(), PageRequest.of(PageRequest.LIMIT_MAX_RESULTS, null))
                .items();
        return registered.stream()
                .min(Comparator.comparingLong((Host h) -> gateways.countByHostId(h.id()))
                        .thenComparing(Host::id))
                .map(host -> hosts.lockForPlacement(host.id(), null).id())
                .orElse(null);
    }

    private VpnGateway visible(Caller caller, String vpnGatewayId) {
        caller.requireAdminOrTenant();
        return gateways.findById(vpnGatewayId)
                .filter(g -> caller.canSee(g.tenantId()))
                .orElseThrow(() -> notFound(vpnGatewayId));
    }

    VpnGatewayView view(VpnGateway gateway) {
        String endpointIp = gateway.hostId() == null
                ? null
                : hosts.get(Caller.admin(), gateway.hostId()).underlayIp();
        return new VpnGatewayView(gateway, endpointIp);
    }

    private void publish(VpnGateway gateway, ChangeKind kind) {
        events.publishEvent(new VpnChanged(gateway.vpcId(), gateway.id(), kind));
    }

    static ApiException notFound(String vpnGatewayId) {
        return ApiException.notFound("InvalidVpnGatewayID.NotFound", "VPN gateway " + vpnGatewayId + " does not exist");
    }

    /** Re-reads a row the lock query returned (see NatGatewayService#fresh: JPA hands back a stale instance). */
    private <T> T fresh(T entity) {
        entityManager.refresh(entity, LockModeType.PESSIMISTIC_WRITE);
        return entity;
    }

    @EventListener
    @Order(TenantEmptying.VPN_GATEWAYS)
    void deleteGatewaysOfEmptiedTenant(TenantEmptying emptying) {
        for (VpnGateway gateway : gateways.page(emptying.tenantId(), null, "", Limit.unlimited())) {
            delete(Caller.admin(), gateway.id());
        }
    }
}
