package io.vpclab.controlplane.peering;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.vpc.VpcCidrBlockAdding;
import io.vpclab.controlplane.vpc.VpcDeleting;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.net.Ipv4Prefix;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * VPC peerings. Every change locks both VPC rows, lower ID first (the order every two-VPC
 * operation uses, so two never deadlock), then re-reads their blocks: two requests for one pair,
 * or a request racing a new CIDR block, are serialised.
 */
@Service
public class PeeringService {

    private final PeeringRepository peerings;
    private final VpcService vpcs;
    private final ApplicationEventPublisher events;
    private final EntityManager entityManager;

    PeeringService(
            PeeringRepository peerings,
            VpcService vpcs,
            ApplicationEventPublisher events,
            EntityManager entityManager) {
        this.peerings = peerings;
        this.entityManager = entityManager;
        this.vpcs = vpcs;
        this.events = events;
    }

    /** One active peering as the southbound compiler reads it. */
    public record VpcPair(String requesterVpcId, String accepterVpcId) {}

    /** A peering with both sides' current CIDR blocks. */
    public record PeeringView(Peering peering, List<Ipv4Prefix> requesterBlocks, List<Ipv4Prefix> accepterBlocks) {}

    @Transactional
    public PeeringView request(Caller caller, String requesterVpcId, String accepterVpcId) {
        caller.requireAdminOrTenant();
        if (requesterVpcId == null || requesterVpcId.isBlank() || accepterVpcId == null || accepterVpcId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "requesterVpcId and accepterVpcId are required");
        }
        if (requesterVpcId.equals(accepterVpcId)) {
            throw ApiException.invalidParameter("a VPC cannot peer with itself (" + requesterVpcId + ")");
        }
        // The requester must be the caller's; the accepter may be any tenant's VPC, named by ID as in AWS.
        VpcService.VpcView requester = vpcs.get(caller, requesterVpcId);
        vpcs.get(Caller.admin(), accepterVpcId);
        VpcService.VpcView[] locked = lockBoth(requesterVpcId, accepterVpcId);
        VpcService.VpcView lockedRequester = locked[0].id().equals(requesterVpcId) ? locked[0] : locked[1];
        VpcService.VpcView lockedAccepter = locked[0].id().equals(requesterVpcId) ? locked[1] : locked[0];
        requireNoOverlap(lockedRequester, lockedAccepter);
        peerings.findByPairKey(Peering.pairKey(requesterVpcId, accepterVpcId)).ifPresent(existing -> {
            throw ApiException.conflict(
                    "VpcPeeringConnectionAlreadyExists",
                    "VPCs " + requesterVpcId + " and " + accepterVpcId + " already have peering " + existing.id() + " ("
                            + existing.status().value() + ")");
        });
        PeeringStatus status = requester.tenantId().equals(lockedAccepter.tenantId())
                ? PeeringStatus.ACTIVE
                : PeeringStatus.PENDING_ACCEPTANCE;
        Peering peering = peerings.saveAndFlush(new Peering(
                Ids.newId(Ids.PEERING),
                requesterVpcId,
                requester.tenantId(),
                accepterVpcId,
                lockedAccepter.tenantId(),
                status,
                Times.now()));
        publish(peering, ChangeKind.CREATED);
        return new PeeringView(peering, lockedRequester.cidrs(), lockedAccepter.cidrs());
    }

    @Transactional(readOnly = true)
    public PeeringView get(Caller caller, String peeringId) {
        return view(visible(caller, peeringId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<PeeringView> list(Caller caller, String vpcId, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                        peerings.page(caller.tenantScope(), vpcId, page.afterId(), Limit.of(page.fetchSize())),
                        Peering::id)
                .map(this::view);
    }

    @Transactional
    public PeeringView accept(Caller caller, String peeringId) {
        Peering peering = lockPending(caller, peeringId, "accept");
        VpcService.VpcView[] locked = lockBoth(peering.requesterVpcId(), peering.accepterVpcId());
        // Blocks may have changed since the request: the overlap rule holds at activation too.
        requireNoOverlap(locked[0], locked[1]);
        peering.activate();
        peerings.flush();
        publish(peering, ChangeKind.UPDATED);
        return view(peering);
    }

    @Transactional
    public PeeringView reject(Caller caller, String peeringId) {
        Peering peering = lockPending(caller, peeringId, "reject");
        peering.reject();
        peerings.flush();
        publish(peering, ChangeKind.UPDATED);
        return view(peering);
    }

    /** Either side's tenant may delete; the routes go on both sides in the same commit. */
    @Transactional
    public void delete(Caller caller, String peeringId) {
        Peering visible = visible(caller, peeringId);
        lockBoth(visible.requesterVpcId(), visible.accepterVpcId());
        Peering peering = peerings.lockById(peeringId).map(this::fresh).orElseThrow(() -> notFound(peeringId));
        peerings.delete(peering);
        peerings.flush();
        publish(peering, ChangeKind.DELETED);
    }

    /** The active peerings as (requester, accepter) VPC pairs, for the southbound compiler. */
    @Transactional(readOnly = true)
    public List<VpcPair> activePairs() {
        return peerings.findByStatusOrderById(PeeringStatus.ACTIVE.value()).stream()
                .map(p -> new VpcPair(p.requesterVpcId(), p.accepterVpcId()))
                .toList();
    }

    @EventListener
    void refuseVpcDeleteWithActivePeerings(VpcDeleting deleting) {
        List<Peering> ofVpc = peerings.ofVpc(deleting.vpcId());
        for (Peering peering : ofVpc) {
            if (peering.status() == PeeringStatus.ACTIVE) {
                throw ApiException.dependencyViolation(
                        "VPC " + deleting.vpcId() + " still has active peering " + peering.id());
            }
        }
        // Pending and rejected requests die with their VPC.
        for (Peering peering : ofVpc) {
            peerings.delete(peering);
            publish(peering, ChangeKind.DELETED);
        }
        peerings.flush();
    }

    @EventListener
    void refuseBlockOverlappingActivePeer(VpcCidrBlockAdding adding) {
        for (Peering peering : peerings.ofVpcWithStatus(adding.vpcId(), PeeringStatus.ACTIVE.value())) {
            for (Ipv4Prefix peerBlock :
                    vpcs.get(Caller.admin(), peering.peerOf(adding.vpcId())).cidrs()) {
                if (peerBlock.overlaps(adding.cidrBlock())) {
                    throw ApiException.badRequest(
                            "InvalidVpc.Range",
                            adding.cidrBlock() + " overlaps " + peerBlock + " of peered VPC "
                                    + peering.peerOf(adding.vpcId()) + " (peering " + peering.id() + ")");
                }
            }
        }
    }

    private Peering lockPending(Caller caller, String peeringId, String action) {
        Peering visible = visible(caller, peeringId);
        if (caller.isTenant() && !caller.id().equals(visible.accepterTenantId())) {
            throw ApiException.conflict(
                    "OperationNotPermitted", "only the accepter VPC's tenant may " + action + " peering " + peeringId);
        }
        Peering peering = peerings.lockById(peeringId).map(this::fresh).orElseThrow(() -> notFound(peeringId));
        if (peering.status() != PeeringStatus.PENDING_ACCEPTANCE) {
            throw ApiException.conflict(
                    "InvalidStateTransition",
                    "peering " + peeringId + " is " + peering.status().value()
                            + "; only a pending-acceptance peering can be " + action + "ed");
        }
        return peering;
    }

    /** Locks both VPCs, lower ID first, and returns their views in that order. */
    private VpcService.VpcView[] lockBoth(String vpcA, String vpcB) {
        String first = vpcA.compareTo(vpcB) < 0 ? vpcA : vpcB;
        String second = first.equals(vpcA) ? vpcB : vpcA;
        return new VpcService.VpcView[] {
            vpcs.lockForMutation(Caller.admin(), first), vpcs.lockForMutation(Caller.admin(), second)
        };
    }

    private static void requireNoOverlap(VpcService.VpcView a, VpcService.VpcView b) {
        for (Ipv4Prefix blockA : a.cidrs()) {
            for (Ipv4Prefix blockB : b.cidrs()) {
                if (blockA.overlaps(blockB)) {
                    throw ApiException.conflict(
                            "InvalidVpcPeeringConnection.Overlap",
                            blockA + " of " + a.id() + " overlaps " + blockB + " of " + b.id()
                                    + "; peered VPCs need disjoint CIDR blocks");
                }
            }
        }
    }

    private Peering visible(Caller caller, String peeringId) {
        caller.requireAdminOrTenant();
        return peerings.findById(peeringId)
                .filter(p -> caller.canSee(p.requesterTenantId()) || caller.canSee(p.accepterTenantId()))
                .orElseThrow(() -> notFound(peeringId));
    }

    private PeeringView view(Peering peering) {
        return new PeeringView(peering, blocksOf(peering.requesterVpcId()), blocksOf(peering.accepterVpcId()));
    }

    private List<Ipv4Prefix> blocksOf(String vpcId) {
        try {
            return vpcs.get(Caller.admin(), vpcId).cidrs();
        } catch (ApiException gone) {
            return List.of();
        }
    }

    private void publish(Peering peering, ChangeKind kind) {
        events.publishEvent(new PeeringChanged(
                peering.id(),
                peering.requesterVpcId(),
                peering.accepterVpcId(),
                peering.requesterTenantId(),
                peering.accepterTenantId(),
                peering.status(),
                kind));
    }

    static ApiException notFound(String peeringId) {
        return ApiException.notFound(
                "InvalidVpcPeeringConnectionID.NotFound", "VPC peering connection " + peeringId + " does not exist");
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
    @Order(TenantEmptying.PEERINGS)
    void deletePeeringsOfEmptiedTenant(TenantEmptying emptying) {
        for (Peering peering : peerings.page(emptying.tenantId(), null, "", Limit.unlimited())) {
            delete(Caller.admin(), peering.id());
        }
    }
}
