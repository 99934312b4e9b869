package io.vpclab.controlplane.natgateway;

import io.vpclab.controlplane.elasticip.ElasticIp;
import io.vpclab.controlplane.elasticip.ElasticIpService;
import io.vpclab.controlplane.elasticip.ElasticIpTarget;
import io.vpclab.controlplane.elasticip.NatGatewayTargets;
import io.vpclab.controlplane.host.Host;
import io.vpclab.controlplane.host.HostChanged;
import io.vpclab.controlplane.host.HostDeleting;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.subnet.Subnet;
import io.vpclab.controlplane.subnet.SubnetDeleting;
import io.vpclab.controlplane.subnet.SubnetService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.Names;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.vpc.VpcDeleting;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.controlplane.whitelist.WhitelistDeleting;
import io.vpclab.controlplane.whitelist.WhitelistService;
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
 * NAT gateways and their subnet associations. Every change locks the gateway's VPC first (as all
 * mutations inside a VPC do), then the gateway row, then its EIP: so two associations of one
 * subnet, or a gateway delete and an EIP move, never interleave.
 */
@Service
public class NatGatewayService implements NatGatewayTargets {

    /** The width of the name column. */
    public static final int MAX_NAME_LENGTH = 128;

    private final NatGatewayRepository gateways;
    private final NatGatewaySubnetRepository associations;
    private final SubnetService subnets;
    private final VpcService vpcs;
    private final HostService hosts;
    private final ElasticIpService eips;
    private final WhitelistService whitelists;
    private final ApplicationEventPublisher events;
    private final EntityManager entityManager;

    NatGatewayService(
            NatGatewayRepository gateways,
            NatGatewaySubnetRepository associations,
            SubnetService subnets,
            VpcService vpcs,
            HostService hosts,
            ElasticIpService eips,
            WhitelistService whitelists,
            ApplicationEventPublisher events,
            EntityManager entityManager) {
        this.gateways = gateways;
        this.entityManager = entityManager;
        this.associations = associations;
        this.subnets = subnets;
        this.vpcs = vpcs;
        this.hosts = hosts;
        this.eips = eips;
        this.whitelists = whitelists;
        this.events = events;
    }

    public record Creation(
            String subnetId,
            String allocationId,
            String name,
            String hostId,
            NatGateway.EgressPolicy egressPolicy,
            String whitelistId,
            Integer tcpIdleTimeoutSeconds,
            Integer udpIdleTimeoutSeconds) {}

    /** A gateway with its EIP (null only if it was never bound) and associated subnets. */
    public record NatGatewayView(NatGateway gateway, ElasticIp eip, List<String> associatedSubnetIds) {}

    @Transactional
    public NatGatewayView create(Caller caller, Creation creation) {
        caller.requireAdminOrTenant();
        int tcpTimeout = idleTimeout(
                "idleTimeoutSeconds", creation.tcpIdleTimeoutSeconds(), NatGateway.DEFAULT_IDLE_TIMEOUT_SECONDS);
        int udpTimeout = idleTimeout(
                "udpIdleTimeoutSeconds", creation.udpIdleTimeoutSeconds(), NatGateway.DEFAULT_IDLE_TIMEOUT_SECONDS);
        if (creation.allocationId() == null || creation.allocationId().isBlank()) {
            throw ApiException.badRequest("MissingParameter", "allocationId is required");
        }
        String natGatewayId = Ids.newId(Ids.NAT_GATEWAY);
        // Locks the VPC and the subnet, and takes the gateway's private address.
        SubnetService.AddressReservation address =
                subnets.reserveAddress(caller, creation.subnetId(), null, natGatewayId);
        Subnet subnet = address.subnet();
        String hostId = place(creation.hostId());
        NatGateway.EgressPolicy policy =
                creation.egressPolicy() == null ? NatGateway.EgressPolicy.ALLOW_ALL : creation.egressPolicy();
        String whitelistId = whitelists.attachmentAfter(
                subnet.tenantId(), policy == NatGateway.EgressPolicy.WHITELIST, null, creation.whitelistId());
        NatGateway gateway = gateways.saveAndFlush(new NatGateway(
                natGatewayId,
                subnet.tenantId(),
                subnet.vpcId(),
                subnet.id(),
                creation.name(),
                hostId,
                address.ipAddress(),
                policy,
                whitelistId,
                tcpTimeout,
                udpTimeout,
                Times.now()));
        ElasticIp eip = eips.bindNewNatGateway(caller, creation.allocationId(), target(gateway));
        NatGatewayView view = new NatGatewayView(gateway, eip, List.of());
        publish(view, ChangeKind.CREATED);
        return view;
    }

    @Transactional(readOnly = true)
    public NatGatewayView get(Caller caller, String natGatewayId) {
        return view(visible(caller, natGatewayId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<NatGatewayView> list(Caller caller, String vpcId, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                        gateways.page(caller.tenantScope(), vpcId, page.afterId(), Limit.of(page.fetchSize())),
                        NatGateway::id)
                .map(this::view);
    }

    @Transactional
    public NatGatewayView update(
            Caller caller,
            String natGatewayId,
            NatGateway.EgressPolicy policy,
            String whitelistId,
            Integer tcpIdleTimeoutSeconds,
            Integer udpIdleTimeoutSeconds) {
        NatGateway gateway = lockForMutation(caller, natGatewayId);
        int tcpTimeout = idleTimeout("idleTimeoutSeconds", tcpIdleTimeoutSeconds, gateway.tcpIdleTimeoutSeconds());
        int udpTimeout = idleTimeout("udpIdleTimeoutSeconds", udpIdleTimeoutSeconds, gateway.udpIdleTimeoutSeconds());
        NatGateway.EgressPolicy egress = policy == null ? gateway.egressPolicy() : policy;
        String whitelist = whitelists.attachmentAfter(
                gateway.tenantId(), egress == NatGateway.EgressPolicy.WHITELIST, gateway.whitelistId(), whitelistId);
        gateway.applyPolicy(egress, whitelist);
        gateway.idleTimeouts(tcpTimeout, udpTimeout);
        gateways.flush();
        NatGatewayView view = view(gateway);
        publish(view, ChangeKind.UPDATED);
        return view;
    }

    /** Sets or clears (null) the gateway's name, which EC2 shows as its Name tag. */
    @Transactional
    public NatGatewayView rename(Caller caller, String natGatewayId, String newName) {
        Names.requirePrintable("name", newName, MAX_NAME_LENGTH);
        NatGateway gateway = lockForMutation(caller, natGatewayId);
        gateway.rename(newName);
        gateways.flush();
        NatGatewayView view = view(gateway);
        publish(view, ChangeKind.UPDATED);
        return view;
    }

    @Transactional
    public void delete(Caller caller, String natGatewayId) {
        NatGateway gateway = lockForMutation(caller, natGatewayId);
        List<String> associated = associatedSubnets(natGatewayId);
        associations.deleteByNatGatewayId(natGatewayId);
        associations.flush();
        ElasticIp eip = eips.releaseNatGateway(natGatewayId).orElse(null);
        gateways.delete(gateway);
        gateways.flush();
        subnets.releaseAddress(gateway.subnetId(), gateway.privateIpAddress());
        publish(new NatGatewayView(gateway, eip, associated), ChangeKind.DELETED);
    }

    @Transactional
    public NatGatewayView associateSubnet(Caller caller, String natGatewayId, String subnetId) {
        if (subnetId == null || subnetId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "subnetId is required");
        }
        NatGateway gateway = lockForMutation(caller, natGatewayId);
        Subnet subnet = subnets.get(caller, subnetId);
        if (!subnet.tenantId().equals(gateway.tenantId())) {
            throw ApiException.notFound("InvalidSubnetID.NotFound", "subnet " + subnetId + " does not exist");
        }
        if (!subnet.vpcId().equals(gateway.vpcId())) {
            throw ApiException.invalidParameter("subnet " + subnetId + " is in VPC " + subnet.vpcId() + ", NAT gateway "
                    + natGatewayId + " in VPC " + gateway.vpcId() + "; a NAT gateway serves subnets of its own VPC");
        }
        if (subnetId.equals(gateway.subnetId())) {
            throw ApiException.invalidParameter(
                    "subnet " + subnetId + " is the NAT gateway's own subnet and cannot be associated with it");
        }
        associations.findById(subnetId).ifPresent(existing -> {
            throw ApiException.conflict(
                    "Resource.AlreadyAssociated",
                    "subnet " + subnetId + " already goes out through NAT gateway " + existing.natGatewayId());
        });
        associations.saveAndFlush(new NatGatewaySubnet(subnetId, natGatewayId, Times.now()));
        events.publishEvent(
                new NatGatewaySubnetAssociated(natGatewayId, gateway.tenantId(), gateway.vpcId(), subnetId, true));
        NatGatewayView view = view(gateway);
        publish(view, ChangeKind.UPDATED);
        return view;
    }

    @Transactional
    public NatGatewayView disassociateSubnet(Caller caller, String natGatewayId, String subnetId) {
        NatGateway gateway = lockForMutation(caller, natGatewayId);
        NatGatewaySubnet association = associations
                .findById(subnetId)
                .filter(a -> a.natGatewayId().equals(natGatewayId))
                .orElseThrow(() -> ApiException.notFound(
                        "InvalidAssociationID.NotFound",
                        "subnet " + subnetId + " is not associated with NAT gateway " + natGatewayId));
        associations.delete(association);
        associations.flush();
        events.publishEvent(
                new NatGatewaySubnetAssociated(natGatewayId, gateway.tenantId(), gateway.vpcId(), subnetId, false));
        NatGatewayView view = view(gateway);
        publish(view, ChangeKind.UPDATED);
        return view;
    }

    @Override
    @Transactional
    public ElasticIpTarget lockForEip(Caller caller, String natGatewayId) {
        return target(lockForMutation(caller, natGatewayId));
    }

    @EventListener
    void refuseSubnetDeleteWithNat(SubnetDeleting deleting) {
        if (gateways.existsBySubnetId(deleting.subnetId())) {
            throw ApiException.dependencyViolation("subnet " + deleting.subnetId() + " still holds a NAT gateway");
        }
        associations.findById(deleting.subnetId()).ifPresent(association -> {
            throw ApiException.dependencyViolation("subnet " + deleting.subnetId() + " is associated with NAT gateway "
                    + association.natGatewayId() + "; disassociate it first");
        });
    }

    @EventListener
    void refuseVpcDeleteWithNat(VpcDeleting deleting) {
        if (gateways.existsByVpcId(deleting.vpcId())) {
            throw ApiException.dependencyViolation("VPC " + deleting.vpcId() + " still has NAT gateways");
        }
    }

    @EventListener
    void refuseHostDeleteWithNat(HostDeleting deleting) {
        if (gateways.existsByHostId(deleting.hostId())) {
            throw ApiException.dependencyViolation(
                    "host " + deleting.hostId() + " still runs NAT gateways; delete them first");
        }
    }

    /**
     * A host registered: gateways created while no host was registered are placed on it now
     * (in the registration's transaction), so they start forwarding without being recreated.
     */
    @EventListener
    void placePendingGateways(HostChanged changed) {
        if (changed.kind() != ChangeKind.CREATED) {
            return;
        }
        for (NatGateway pending : gateways.findByHostIdIsNullOrderById()) {
            vpcs.lockForMutation(Caller.admin(), pending.vpcId());
            NatGateway gateway =
                    gateways.lockById(pending.id()).map(this::fresh).orElse(null);
            if (gateway == null || gateway.hostId() != null) {
                continue;
            }
            gateway.placeOn(hosts.lockForPlacement(changed.hostId(), null).id());
            gateways.flush();
            publish(view(gateway), ChangeKind.UPDATED);
        }
    }

    @EventListener
    void refuseWhitelistDeleteInUse(WhitelistDeleting deleting) {
        if (gateways.existsByWhitelistId(deleting.whitelistId())) {
            throw ApiException.dependencyViolation(
                    "whitelist " + deleting.whitelistId() + " is the egress whitelist of a NAT gateway");
        }
    }

    /** The named host, or the registered host running the fewest NAT gateways; null when none is registered. */
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

    private NatGateway visible(Caller caller, String natGatewayId) {
        caller.requireAdminOrTenant();
        return gateways.findById(natGatewayId)
                .filter(n -> caller.canSee(n.tenantId()))
                .orElseThrow(() -> notFound(natGatewayId));
    }

    private NatGateway lockForMutation(Caller caller, String natGatewayId) {
        NatGateway gateway = visible(caller, natGatewayId);
        vpcs.lockForMutation(caller, gateway.vpcId());
        return gateways.lockById(natGatewayId).map(this::fresh).orElseThrow(() -> notFound(natGatewayId));
    }

    private static int idleTimeout(String name, Integer requested, int fallback) {
        if (requested == null) {
            return fallback;
        }
        if (requested < 1 || requested > NatGateway.MAX_IDLE_TIMEOUT_SECONDS) {
            throw ApiException.invalidParameter(
                    name + " " + requested + " is outside 1.." + NatGateway.MAX_IDLE_TIMEOUT_SECONDS);
        }
        return requested;
    }

    private static ElasticIpTarget target(NatGateway gateway) {
        return new ElasticIpTarget(
                ElasticIpTarget.Kind.NAT_GATEWAY,
                gateway.id(),
                gateway.tenantId(),
                gateway.vpcId(),
                gateway.subnetId(),
                gateway.privateIpAddress());
    }

    private List<String> associatedSubnets(String natGatewayId) {
        return associations.findByNatGatewayIdOrderBySubnetId(natGatewayId).stream()
                .map(NatGatewaySubnet::subnetId)
                .toList();
    }

    private NatGatewayView view(NatGateway gateway) {
        return new NatGatewayView(
                gateway, eips.ofNatGateway(gateway.id()).orElse(null), associatedSubnets(gateway.id()));
    }

    private void publish(NatGatewayView view, ChangeKind kind) {
        NatGateway gateway = view.gateway();
        events.publishEvent(new NatGatewayChanged(
                gateway.id(),
                gateway.tenantId(),
                gateway.vpcId(),
                gateway.subnetId(),
                gateway.hostId(),
                view.eip() == null ? null : view.eip().id(),
                view.associatedSubnetIds(),
                kind));
    }

    static ApiException notFound(String natGatewayId) {
        return ApiException.notFound("InvalidNatGatewayID.NotFound", "NAT gateway " + natGatewayId + " does not exist");
    }

    /**
     * Re-reads a row the lock query returned: when the entity was already loaded in this
     * transaction (by a visibility check), JPA hands back that instance without the values the
     * lock waited for, and a decision on it would miss the change that made us wait.
     */
    private <T> T fresh(T entity) {
        entityManager.refresh(entity, LockModeType.PESSIMISTIC_WRITE);
        return entity;
    }

    @EventListener
    @Order(TenantEmptying.NAT_GATEWAYS)
    void deleteNatGatewaysOfEmptiedTenant(TenantEmptying emptying) {
        for (NatGateway gateway : gateways.page(emptying.tenantId(), null, "", Limit.unlimited())) {
            delete(Caller.admin(), gateway.id());
        }
    }
}
