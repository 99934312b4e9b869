package io.vpclab.controlplane.vpc;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.controlplane.system.Names;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.VpcLabProperties;
import io.vpclab.controlplane.tenant.TenantDeleting;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.tenant.TenantService;
import io.vpclab.net.CidrBlockLimits;
import io.vpclab.net.Ipv4Prefix;
import java.time.Instant;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * VPCs and their CIDR blocks. Every mutation inside a VPC (here and in other features) starts with
 * {@link #lockForMutation}, which takes the VPC row's write lock: overlap checks, quotas and IPAM
 * of one VPC are then serialised, on H2 and PostgreSQL alike.
 */
@Service
public class VpcService {

    /** RULES.md: up to 5 blocks in all, primary included (AWS's default quota). */
    public static final int MAX_CIDR_BLOCKS = 5;

    /** The width of the name column. */
    public static final int MAX_NAME_LENGTH = 128;

    private final VpcRepository vpcs;
    private final VpcCidrBlockRepository blocks;
    private final TenantService tenants;
    private final ApplicationEventPublisher events;
    private final VpcLabProperties properties;

    VpcService(
            VpcRepository vpcs,
            VpcCidrBlockRepository blocks,
            TenantService tenants,
            ApplicationEventPublisher events,
            VpcLabProperties properties) {
        this.vpcs = vpcs;
        this.blocks = blocks;
        this.tenants = tenants;
        this.events = events;
        this.properties = properties;
    }

    /** A VPC with its blocks, primary first. */
    public record VpcView(Vpc vpc, List<VpcCidrBlock> blocks) {

        public String id() {
            return vpc.id();
        }

        public String tenantId() {
            return vpc.tenantId();
        }

        public List<Ipv4Prefix> cidrs() {
            return blocks.stream().map(VpcCidrBlock::cidr).toList();
        }
    }

    @Transactional
    public VpcView create(Caller caller, String cidrText, String name, String requestedTenantId) {
        return create(caller, cidrText, name, requestedTenantId, true);
    }

    @Transactional
    public VpcView create(
            Caller caller, String cidrText, String name, String requestedTenantId, boolean arpSuppression) {
        String tenantId = caller.owningTenant(requestedTenantId);
        tenants.lockForUse(caller, tenantId);
        Ipv4Prefix cidr = Ipv4Parameters.prefix(cidrText, "cidrBlock");
        requireVpcSize(cidr);
        int quota = properties.quota().vpcsPerTenant();
        if (vpcs.countByTenantId(tenantId) >= quota) {
            throw ApiException.conflict(
                    "VpcLimitExceeded",
                    "tenant " + tenantId + " already has " + quota + " VPCs (quota vpclab.quota.vpcs-per-tenant)");
        }
        Instant now = Instant.now();
        Vpc created = new Vpc(Ids.newId(Ids.VPC), tenantId, name, cidr.toString(), now);
        created.arpSuppression(arpSuppression);
        Vpc vpc = vpcs.save(created);
        blocks.save(new VpcCidrBlock(Ids.newId(Ids.VPC_CIDR_ASSOCIATION), vpc.id(), cidr, true, now));
        vpcs.flush();
        events.publishEvent(new VpcChanged(vpc.id(), tenantId, ChangeKind.CREATED));
        return view(vpc);
    }

    @Transactional(readOnly = true)
    public VpcView get(Caller caller, String vpcId) {
        Vpc vpc = vpcs.findById(vpcId).filter(v -> caller.canSee(v.tenantId())).orElseThrow(() -> notFound(vpcId));
        return view(vpc);
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<VpcView> list(Caller caller, String tenantFilter, PageRequest page) {
        caller.requireAdminOrTenant();
        if (caller.isTenant() && tenantFilter != null && !tenantFilter.equals(caller.id())) {
            return new PageRequest.Page<>(List.of(), null);
        }
        String scope = caller.isAdmin() ? tenantFilter : caller.id();
        return page.page(vpcs.page(scope, page.afterId(), Limit.of(page.fetchSize())), Vpc::id)
                .map(this::view);
    }

    /**
     * Locks the VPC row until the caller's transaction ends and returns the VPC; another tenant's
     * or an unknown VPC is 404 InvalidVpcID.NotFound. Callers must already be in a transaction.
     */
    @Transactional
    public VpcView lockForMutation(Caller caller, String vpcId) {
        caller.requireAdminOrTenant();
        Vpc vpc = vpcs.lockById(vpcId).filter(v -> caller.canSee(v.tenantId())).orElseThrow(() -> notFound(vpcId));
        return view(vpc);
    }

    @Transactional
    public VpcView associateCidrBlock(Caller caller, String vpcId, String cidrText) {
        VpcView vpc = lockForMutation(caller, vpcId);
        Ipv4Prefix cidr = Ipv4Parameters.prefix(cidrText, "cidrBlock");
        requireVpcSize(cidr);
        if (vpc.blocks().size() >= MAX_CIDR_BLOCKS) {
            throw ApiException.conflict(
                    "CidrLimitExceeded", "VPC " + vpcId + " already has " + MAX_CIDR_BLOCKS + " CIDR blocks");
        }
        for (Ipv4Prefix existing : vpc.cidrs()) {
            if (existing.overlaps(cidr)) {
                throw ApiException.badRequest("InvalidVpc.Range", cidr + " overlaps " + existing + " of VPC " + vpcId);
            }
        }
        events.publishEvent(new VpcCidrBlockAdding(vpcId, cidr));
        blocks.saveAndFlush(new VpcCidrBlock(Ids.newId(Ids.VPC_CIDR_ASSOCIATION), vpcId, cidr, false, Instant.now()));
        events.publishEvent(new VpcChanged(vpcId, vpc.tenantId(), ChangeKind.UPDATED));
        return view(vpc.vpc());
    }

    /** Sets or clears (null) the VPC's name, which EC2 shows as its Name tag. */
    @Transactional
    public VpcView rename(Caller caller, String vpcId, String newName) {
        Names.requirePrintable("name", newName, MAX_NAME_LENGTH);
        VpcView vpc = lockForMutation(caller, vpcId);
        vpc.vpc().rename(newName);
        vpcs.flush();
        events.publishEvent(new VpcChanged(vpcId, vpc.tenantId(), ChangeKind.UPDATED));
        return view(vpc.vpc());
    }

    /** Switches ARP suppression for every subnet of the VPC; the hosts get it with the next generation. */
    @Transactional
    public VpcView setArpSuppression(Caller caller, String vpcId, boolean on) {
        VpcView vpc = lockForMutation(caller, vpcId);
        if (vpc.vpc().arpSuppression() != on) {
            vpc.vpc().arpSuppression(on);
            vpcs.flush();
            events.publishEvent(new VpcChanged(vpcId, vpc.tenantId(), ChangeKind.UPDATED));
        }
        return view(vpc.vpc());
    }

    @Transactional
    public VpcView disassociateCidrBlock(Caller caller, String vpcId, String associationId) {
        VpcView vpc = lockForMutation(caller, vpcId);
        VpcCidrBlock block = vpc.blocks().stream()
                .filter(b -> b.id().equals(associationId))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound(
                        "InvalidVpcCidrBlockAssociationID.NotFound",
                        "VPC " + vpcId + " has no CIDR block association " + associationId));
        if (block.primary()) {
            throw ApiException.conflict(
                    "OperationNotPermitted",
                    "the primary CIDR block " + block.cidrBlock() + " of a VPC cannot be removed");
        }
        events.publishEvent(new VpcCidrBlockRemoving(vpcId, block.cidr()));
        blocks.delete(block);
        blocks.flush();
        events.publishEvent(new VpcChanged(vpcId, vpc.tenantId(), ChangeKind.UPDATED));
        return view(vpc.vpc());
    }

    @Transactional
    public void delete(Caller caller, String vpcId) {
        VpcView vpc = lockForMutation(caller, vpcId);
        events.publishEvent(new VpcDeleting(vpcId));
        blocks.deleteByVpcId(vpcId);
        vpcs.delete(vpc.vpc());
        vpcs.flush();
        events.publishEvent(new VpcChanged(vpcId, vpc.tenantId(), ChangeKind.DELETED));
    }

    @EventListener
    void refuseTenantDeleteWithVpcs(TenantDeleting deleting) {
        if (vpcs.existsByTenantId(deleting.tenantId())) {
            throw ApiException.dependencyViolation("tenant " + deleting.tenantId() + " still has VPCs");
        }
    }

    private VpcView view(Vpc vpc) {
        return new VpcView(vpc, blocks.findByVpcIdOrderByPrimaryDescCreatedAtAscIdAsc(vpc.id()));
    }

    private static void requireVpcSize(Ipv4Prefix cidr) {
        if (!CidrBlockLimits.allows(cidr.length())) {
            throw ApiException.badRequest(
                    "InvalidVpc.Range",
                    "VPC block " + cidr + " must be /" + CidrBlockLimits.SHORTEST_PREFIX + " to /"
                            + CidrBlockLimits.LONGEST_PREFIX);
        }
    }

    static ApiException notFound(String vpcId) {
        return ApiException.notFound("InvalidVpcID.NotFound", "VPC " + vpcId + " does not exist");
    }

    @EventListener
    @Order(TenantEmptying.VPCS)
    void deleteVpcsOfEmptiedTenant(TenantEmptying emptying) {
        for (Vpc vpc : vpcs.page(emptying.tenantId(), "", Limit.unlimited())) {
            delete(Caller.admin(), vpc.id());
        }
    }
}
