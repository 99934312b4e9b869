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
import io.vpclab.controlplane.tenant.TenantService;
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
 * VPN gateways, at most one attached to a VPC. Made attached (given a VPC) or detached, and
 * attached to or detached from a VPC later, as EC2 has them; only an attached gateway forwards
 * (its connections follow its VPC). Every change locks the gateway's VPC first (as all mutations
 * inside a VPC do), then the gateway row. Placed on a host as NAT gateways are: the named host, else the host with
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
    private final TenantService tenants;
    private final OnPremisesOverlap overlap;

    @SuppressWarnings("java:S107") // the repositories and services a gateway's lifecycle touches
    VpnGatewayService(
            VpnGatewayRepository gateways,
            VpnConnectionRepository connections,
            CustomerGatewayRepository customerGateways,
            VpcService vpcs,
            HostService hosts,
            ApplicationEventPublisher events,
            EntityManager entityManager,
            VpnKeySealer sealer,
            TenantService tenants,
            OnPremisesOverlap overlap) {
        this.sealer = sealer;
        this.tenants = tenants;
        this.overlap = overlap;
        this.gateways = gateways;
        this.connections = connections;
        this.customerGateways = customerGateways;
        this.vpcs = vpcs;
        this.hosts = hosts;
        this.events = events;
        this.entityManager = entityManager;
    }

    /** Without {@code vpcId} the gateway is made detached, for {@code tenantId} (the caller's own when a tenant). */
    public record Creation(String tenantId, String vpcId, String name, String hostId, Integer listenPort) {}

    /** A gateway with the underlay address of its host (null while pending). */
    public record VpnGatewayView(VpnGateway gateway, String endpointIp) {}

    @Transactional
    public VpnGatewayView create(Caller caller, Creation creation) {
        caller.requireAdminOrTenant();
        int listenPort = creation.listenPort() == null ? VpnGateway.DEFAULT_LISTEN_PORT : creation.listenPort();
        if (listenPort < 1 || listenPort > 65_535) {
            throw ApiException.invalidParameter("listenPort " + listenPort + " is outside 1..65535");
        }
        String tenantId;
        String vpcId = null;
        if (creation.vpcId() == null || creation.vpcId().isBlank()) {
            tenantId = caller.owningTenant(creation.tenantId());
            tenants.lockForUse(caller, tenantId);
        } else {
            VpcService.VpcView vpc = vpcs.lockForMutation(caller, creation.vpcId());
            if (creation.tenantId() != null && !creation.tenantId().equals(vpc.tenantId())) {
                throw ApiException.invalidParameter(
                        "tenantId " + creation.tenantId() + " is not the tenant of VPC " + vpc.id());
            }
            refuseSecondGateway(vpc.id());
            tenantId = vpc.tenantId();
            vpcId = vpc.id();
        }
        String hostId = place(creation.hostId());
        byte[] privateKey = WireGuardKeys.generatePrivateKey();
        String gatewayId = Ids.newId(Ids.VPN_GATEWAY);
        VpnGateway gateway = gateways.saveAndFlush(new VpnGateway(
                gatewayId,
                tenantId,
                vpcId,
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

    /**
     * Attaches a detached gateway to a VPC of its tenant that has none; its connections' on-premises
     * blocks must not overlap what the VPC routes. From then on it forwards, with its connections.
     */
    @Transactional
    public VpnGatewayView attach(Caller caller, String vpnGatewayId, String vpcId) {
        if (vpcId == null || vpcId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "vpcId is required");
        }
        refuseAttached(visible(caller, vpnGatewayId));
        VpcService.VpcView vpc = vpcs.lockForMutation(caller, vpcId);
        VpnGateway gateway = lockForMutation(caller, vpnGatewayId);
        refuseAttached(gateway);
        if (!vpc.tenantId().equals(gateway.tenantId())) {
            // another tenant's VPC is as unknown to the gateway as a missing one
            throw ApiException.notFound("InvalidVpcID.NotFound", "VPC " + vpcId + " does not exist");
        }
        refuseSecondGateway(vpc.id());
        List<VpnConnection> ofGateway = connections.findByVpnGatewayIdOrderById(gateway.id());
        for (VpnConnection connection : ofGateway) {
            overlap.refuse(vpc.id(), connection.onPremisesCidrs(), List.of());
        }
        gateway.attachTo(vpc.id());
        ofGateway.forEach(connection -> connection.followGateway(vpc.id()));
        gateways.flush();
        connections.flush();
        publish(gateway, ChangeKind.UPDATED);
        return view(gateway);
    }

    /**
     * Detaches the gateway from {@code vpcId}: it and its connections leave the VPC's tables (the
     * tunnel stops and the VPC no longer routes the on-premises blocks), and are kept for a later
     * attach. {@code expectedVpcId} (EC2 names the VPC) may be null: whatever VPC it is attached to.
     */
    @Transactional
    public VpnGatewayView detach(Caller caller, String vpnGatewayId, String expectedVpcId) {
        VpnGateway gateway = lockForMutation(caller, vpnGatewayId);
        String vpcId = gateway.vpcId();
        if (vpcId == null || (expectedVpcId != null && !expectedVpcId.equals(vpcId))) {
            throw ApiException.notFound(
                    "InvalidVpnGatewayAttachment.NotFound",
                    "VPN gateway " + vpnGatewayId + " is not attached to "
                            + (expectedVpcId == null ? "a VPC" : "VPC " + expectedVpcId));
        }
        gateway.detach();
        connections.findByVpnGatewayIdOrderById(gateway.id()).forEach(c -> c.followGateway(null));
        gateways.flush();
        connections.flush();
        events.publishEvent(new VpnChanged(vpcId, gateway.id(), ChangeKind.UPDATED));
        return view(gateway);
    }

    @Transactional
    public void delete(Caller caller, String vpnGatewayId) {
        VpnGateway gateway = lockForMutation(caller, vpnGatewayId);
        if (gateway.vpcId() != null) {
            // EC2's answer: a gateway is detached before it is deleted
            throw ApiException.conflict(
                    "IncorrectState",
                    "VPN gateway " + vpnGatewayId + " is attached to VPC " + gateway.vpcId() + "; detach it first");
        }
        if (connections.existsByVpnGatewayId(vpnGatewayId)) {
            throw ApiException.dependencyViolation(
                    "VPN gateway " + vpnGatewayId + " is used by a VPN connection; delete the connection first");
        }
        gateways.delete(gateway);
        gateways.flush();
        publish(gateway, ChangeKind.DELETED);
    }

    /**
     * The gateway, locked after its VPC (if attached), for a change to the gateway or its
     * connections. An attach or detach racing in between is caught: the VPC is locked again.
     */
    VpnGateway lockForMutation(Caller caller, String vpnGatewayId) {
        String vpcId = visible(caller, vpnGatewayId).vpcId();
        while (true) {
            if (vpcId != null) {
                vpcs.lockForMutation(caller, vpcId);
            }
            VpnGateway gateway =
                    gateways.lockById(vpnGatewayId).map(this::fresh).orElseThrow(() -> notFound(vpnGatewayId));
            if (gateway.vpcId() == null || gateway.vpcId().equals(vpcId)) {
                return gateway;
            }
            vpcId = gateway.vpcId();
        }
    }

    private void refuseSecondGateway(String vpcId) {
        gateways.findByVpcId(vpcId).ifPresent(existing -> {
            throw ApiException.conflict(
                    "InvalidVpcState",
                    "VPC " + vpcId + " already has VPN gateway " + existing.id() + " attached; a VPC has at most one");
        });
    }

    private static void refuseAttached(VpnGateway gateway) {
        if (gateway.vpcId() != null) {
            throw ApiException.conflict(
                    "VpnGatewayAttachmentLimitExceeded",
                    "VPN gateway " + gateway.id() + " is already attached to VPC " + gateway.vpcId()
                            + "; a VPN gateway is attached to one VPC at a time");
        }
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
            VpnGateway gateway;
            try {
                gateway = lockForMutation(Caller.admin(), pending.id());
            } catch (ApiException deletedMeanwhile) {
                continue;
            }
            if (gateway.hostId() != null) {
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
            if (gateway.vpcId() != null) {
                detach(Caller.admin(), gateway.id(), gateway.vpcId());
            }
            delete(Caller.admin(), gateway.id());
        }
    }
}
