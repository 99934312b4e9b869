package io.vpclab.controlplane.elasticip;

import io.vpclab.controlplane.instance.Instance;
import io.vpclab.controlplane.instance.InstanceChanged;
import io.vpclab.controlplane.instance.InstancePublicIps;
import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.internethost.PublicAddressing;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.tenant.TenantDeleting;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.tenant.TenantService;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.controlplane.whitelist.WhitelistDeleting;
import io.vpclab.controlplane.whitelist.WhitelistService;
import io.vpclab.net.Ipv4Prefix;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityNotFoundException;
import jakarta.persistence.LockModeType;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Elastic IPs. Lock order, as everywhere: the target's VPC, then the EIP row(s), then the pool
 * row; so an association never races an instance's termination, and two associations of one EIP
 * queue on its row.
 */
@Service
public class ElasticIpService implements InstancePublicIps {

    private final ElasticIpRepository eips;
    private final ElasticIpPoolRepository pool;
    private final InstanceService instances;
    private final ObjectProvider<NatGatewayTargets> natGateways;
    private final VpcService vpcs;
    private final WhitelistService whitelists;
    private final TenantService tenants;
    private final ApplicationEventPublisher events;
    private final EntityManager entityManager;
    private final Ipv4Prefix poolRange;

    ElasticIpService(
            ElasticIpRepository eips,
            ElasticIpPoolRepository pool,
            InstanceService instances,
            ObjectProvider<NatGatewayTargets> natGateways,
            VpcService vpcs,
            WhitelistService whitelists,
            TenantService tenants,
            ApplicationEventPublisher events,
            EntityManager entityManager,
            PublicAddressing publicNetwork) {
        this.eips = eips;
        this.entityManager = entityManager;
        this.pool = pool;
        this.instances = instances;
        this.natGateways = natGateways;
        this.vpcs = vpcs;
        this.whitelists = whitelists;
        this.tenants = tenants;
        this.events = events;
        try {
            this.poolRange = Ipv4Parameters.prefix(publicNetwork.eipPool(), "vpclab.public.eip-pool");
        } catch (ApiException e) {
            throw new IllegalStateException("vpclab.public.eip-pool: " + e.getMessage(), e);
        }
    }

    /** The addresses handed out: the pool without its network and broadcast addresses (kept for /31 and /32). */
    long firstUsable() {
        return poolRange.length() <= 30 ? poolRange.first() + 1 : poolRange.first();
    }

    long lastUsable() {
        return poolRange.length() <= 30 ? poolRange.last() - 1 : poolRange.last();
    }

    @Transactional
    public ElasticIp allocate(
            Caller caller, String requestedTenantId, ElasticIp.IngressPolicy policy, String whitelistId) {
        String tenantId = caller.owningTenant(requestedTenantId);
        tenants.lockForUse(caller, tenantId);
        ElasticIp.IngressPolicy ingress = policy == null ? ElasticIp.IngressPolicy.DENY_ALL : policy;
        String whitelist =
                whitelists.attachmentAfter(tenantId, ingress == ElasticIp.IngressPolicy.WHITELIST, null, whitelistId);
        ElasticIpPool held = pool.lockById(ElasticIpPool.DEFAULT)
                .map(this::fresh)
                .orElseThrow(() -> new IllegalStateException("eip_pool row missing"));
        long address = lowestFree()
                .orElseThrow(() -> ApiException.conflict(
                        "AddressLimitExceeded",
                        "the elastic IP pool " + poolRange + " has no free address ("
                                + (lastUsable() - firstUsable() + 1) + " in all)"));
        ElasticIp eip = eips.saveAndFlush(
                new ElasticIp(Ids.newId(Ids.EIP), tenantId, address, ingress, whitelist, Times.now()));
        held.held(1);
        publish(eip, null, ChangeKind.CREATED);
        return eip;
    }

    private Optional<Long> lowestFree() {
        long candidate = firstUsable();
        for (long taken : eips.addressesBetween(firstUsable(), lastUsable())) {
            if (taken != candidate) {
                break;
            }
            candidate++;
        }
        return candidate <= lastUsable() ? Optional.of(candidate) : Optional.empty();
    }

    @Transactional(readOnly = true)
    public ElasticIp get(Caller caller, String allocationId) {
        caller.requireAdminOrTenant();
        return eips.findById(allocationId)
                .filter(e -> caller.canSee(e.tenantId()))
                .orElseThrow(() -> notFound(allocationId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<ElasticIp> list(Caller caller, String vpcId, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                eips.page(caller.tenantScope(), vpcId, page.afterId(), Limit.of(page.fetchSize())), ElasticIp::id);
    }

    @Transactional
    public ElasticIp update(Caller caller, String allocationId, ElasticIp.IngressPolicy policy, String whitelistId) {
        get(caller, allocationId);
        ElasticIp eip = eips.lockById(allocationId).map(this::fresh).orElseThrow(() -> notFound(allocationId));
        ElasticIp.IngressPolicy ingress = policy == null ? eip.ingressPolicy() : policy;
        String whitelist = whitelists.attachmentAfter(
                eip.tenantId(), ingress == ElasticIp.IngressPolicy.WHITELIST, eip.whitelistId(), whitelistId);
        eip.applyPolicy(ingress, whitelist);
        eips.flush();
        publish(eip, null, ChangeKind.UPDATED);
        return eip;
    }

    @Transactional
    public ElasticIp associateWithInstance(
            Caller caller, String allocationId, String instanceId, boolean allowReassociation) {
        ElasticIp visible = get(caller, allocationId);
        Instance instance = sameTenantInstance(caller, instanceId, visible.tenantId());
        vpcs.lockForMutation(caller, instance.vpcId());
        // Re-read under the VPC lock: a termination that committed meanwhile makes this 404.
        try {
            entityManager.refresh(instance);
        } catch (EntityNotFoundException terminated) {
            throw ApiException.notFound("InvalidInstanceID.NotFound", "instance " + instanceId + " does not exist");
        }
        ElasticIpTarget target = new ElasticIpTarget(
                ElasticIpTarget.Kind.INSTANCE,
                instance.id(),
                instance.tenantId(),
                instance.vpcId(),
                instance.subnetId(),
                instance.privateIpAddress());
        return bind(allocationId, target, allowReassociation);
    }

    @Transactional
    public ElasticIp associateWithNatGateway(
            Caller caller, String allocationId, String natGatewayId, boolean allowReassociation) {
        ElasticIp visible = get(caller, allocationId);
        ElasticIpTarget target = natGateways.getObject().lockForEip(caller, natGatewayId);
        if (!target.tenantId().equals(visible.tenantId())) {
            throw ApiException.notFound(
                    "InvalidNatGatewayID.NotFound", "NAT gateway " + natGatewayId + " does not exist");
        }
        return bind(allocationId, target, allowReassociation);
    }

    /**
     * Associates a free EIP of the target's tenant with a new NAT gateway (the NAT gateway feature
     * holds the VPC lock). An EIP already associated anywhere is Resource.AlreadyAssociated.
     */
    @Transactional
    public ElasticIp bindNewNatGateway(Caller caller, String allocationId, ElasticIpTarget target) {
        if (allocationId == null || allocationId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "allocationId is required");
        }
        ElasticIp visible = get(caller, allocationId);
        if (!visible.tenantId().equals(target.tenantId())) {
            throw notFound(allocationId);
        }
        return bind(allocationId, target, false);
    }

    /** Frees the EIP of a NAT gateway being deleted; returns it, or empty if it had none. */
    @Transactional
    public Optional<ElasticIp> releaseNatGateway(String natGatewayId) {
        Optional<ElasticIp> eip = eips.lockByNatGatewayId(natGatewayId).map(this::fresh);
        eip.ifPresent(this::unbind);
        return eip;
    }

    @Transactional(readOnly = true)
    public Optional<ElasticIp> ofNatGateway(String natGatewayId) {
        return eips.findByNatGatewayId(natGatewayId);
    }

    @Override
    @Transactional(readOnly = true)
    public Map<String, String> byInstanceId(Collection<String> instanceIds) {
        if (instanceIds.isEmpty()) {
            return Map.of();
        }
        return eips.findByInstanceIdIn(instanceIds).stream()
                .collect(Collectors.toMap(ElasticIp::instanceId, ElasticIp::publicIp));
    }

    @Transactional
    public ElasticIp disassociate(Caller caller, String allocationId) {
        get(caller, allocationId);
        ElasticIp eip = eips.lockById(allocationId).map(this::fresh).orElseThrow(() -> notFound(allocationId));
        if (eip.natGatewayId() != null) {
            throw ApiException.conflict(
                    "OperationNotPermitted",
                    "EIP " + eip.publicIp() + " is the public address of NAT gateway " + eip.natGatewayId()
                            + "; associate another EIP with the gateway or delete the gateway");
        }
        if (eip.associated()) {
            unbind(eip);
        }
        return eip;
    }

    @Transactional
    public void release(Caller caller, String allocationId) {
        get(caller, allocationId);
        ElasticIp eip = eips.lockById(allocationId).map(this::fresh).orElseThrow(() -> notFound(allocationId));
        if (eip.associated()) {
            throw ApiException.conflict(
                    "InvalidIPAddress.InUse",
                    "EIP " + eip.publicIp() + " is associated with "
                            + (eip.instanceId() != null
                                    ? "instance " + eip.instanceId()
                                    : "NAT gateway " + eip.natGatewayId())
                            + "; disassociate it first");
        }
        ElasticIpPool held = pool.lockById(ElasticIpPool.DEFAULT)
                .map(this::fresh)
                .orElseThrow(() -> new IllegalStateException("eip_pool row missing"));
        eips.delete(eip);
        eips.flush();
        held.held(-1);
        publish(eip, null, ChangeKind.DELETED);
    }

    /** Terminating an instance disassociates its EIP, in the same transaction (under the VPC lock). */
    @EventListener
    void disassociateTerminatedInstance(InstanceChanged changed) {
        if (changed.kind() == ChangeKind.DELETED) {
            eips.lockByInstanceId(changed.instanceId()).map(this::fresh).ifPresent(this::unbind);
        }
    }

    @EventListener
    void refuseWhitelistDeleteInUse(WhitelistDeleting deleting) {
        if (eips.existsByWhitelistId(deleting.whitelistId())) {
            throw ApiException.dependencyViolation(
                    "whitelist " + deleting.whitelistId() + " is the ingress whitelist of an EIP");
        }
    }

    @EventListener
    void refuseTenantDeleteWithEips(TenantDeleting deleting) {
        if (eips.existsByTenantId(deleting.tenantId())) {
            throw ApiException.dependencyViolation("tenant " + deleting.tenantId() + " still holds elastic IPs");
        }
    }

    /**
     * Associates under the target's VPC lock (held by the caller). The EIP and the EIP the target
     * holds now are locked in ID order, so two crossing reassociations (E to F's instance while F
     * goes to E's) queue instead of deadlocking.
     */
    private ElasticIp bind(String allocationId, ElasticIpTarget target, boolean allowReassociation) {
        String holderId = holderOf(target)
                .map(ElasticIp::id)
                .filter(id -> !id.equals(allocationId))
                .orElse(null);
        Optional<ElasticIp> previous = Optional.empty();
        if (holderId != null && holderId.compareTo(allocationId) < 0) {
            previous = eips.lockById(holderId).map(this::fresh);
        }
        ElasticIp eip = eips.lockById(allocationId).map(this::fresh).orElseThrow(() -> notFound(allocationId));
        if (holderId != null && holderId.compareTo(allocationId) > 0) {
            previous = eips.lockById(holderId).map(this::fresh);
        }
        // The holder may have moved away before its lock; a new holder needs the VPC lock we hold.
        previous = previous.filter(
                p -> target.id().equals(p.instanceId()) || target.id().equals(p.natGatewayId()));
        if (eip.associated()) {
            if (target.id().equals(eip.instanceId()) || target.id().equals(eip.natGatewayId())) {
                return eip;
            }
            if (!allowReassociation) {
                throw ApiException.conflict(
                        "Resource.AlreadyAssociated",
                        "EIP " + eip.publicIp() + " is already associated with "
                                + (eip.instanceId() != null ? eip.instanceId() : eip.natGatewayId())
                                + " (allowReassociation moves it)");
            }
            if (eip.natGatewayId() != null) {
                throw ApiException.conflict(
                        "OperationNotPermitted",
                        "EIP " + eip.publicIp() + " is the public address of NAT gateway " + eip.natGatewayId()
                                + " and cannot move while the gateway exists");
            }
        }
        if (previous.isPresent()) {
            if (!allowReassociation) {
                throw ApiException.conflict(
                        "Resource.AlreadyAssociated",
                        target.id() + " already has EIP " + previous.get().publicIp()
                                + " (allowReassociation replaces it)");
            }
            unbind(previous.get());
        }
        String previousVpc = eip.vpcId();
        if (eip.associated()) {
            // Clear the old holder first so the unique keys never see two holders inside one flush.
            eip.disassociate();
            eips.flush();
        }
        eip.associate(Ids.newId(Ids.EIP_ASSOCIATION), target);
        eips.flush();
        publish(eip, previousVpc, ChangeKind.UPDATED);
        return eip;
    }

    private Optional<ElasticIp> holderOf(ElasticIpTarget target) {
        return target.kind() == ElasticIpTarget.Kind.INSTANCE
                ? eips.findByInstanceId(target.id())
                : eips.findByNatGatewayId(target.id());
    }

    private void unbind(ElasticIp eip) {
        String previousVpc = eip.vpcId();
        eip.disassociate();
        eips.flush();
        publish(eip, previousVpc, ChangeKind.UPDATED);
    }

    private Instance sameTenantInstance(Caller caller, String instanceId, String tenantId) {
        Instance instance = instances.get(caller, instanceId);
        if (!instance.tenantId().equals(tenantId)) {
            throw ApiException.notFound("InvalidInstanceID.NotFound", "instance " + instanceId + " does not exist");
        }
        return instance;
    }

    private void publish(ElasticIp eip, String previousVpcId, ChangeKind kind) {
        events.publishEvent(new ElasticIpChanged(
                eip.id(),
                eip.tenantId(),
                eip.publicIp(),
                eip.instanceId(),
                eip.natGatewayId(),
                eip.vpcId(),
                previousVpcId,
                kind));
    }

    static ApiException notFound(String allocationId) {
        return ApiException.notFound("InvalidAllocationID.NotFound", "elastic IP " + allocationId + " does not exist");
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
    @Order(TenantEmptying.ELASTIC_IPS)
    void releaseEipsOfEmptiedTenant(TenantEmptying emptying) {
        for (ElasticIp eip : eips.page(emptying.tenantId(), null, "", Limit.unlimited())) {
            disassociate(Caller.admin(), eip.id());
            release(Caller.admin(), eip.id());
        }
    }
}
