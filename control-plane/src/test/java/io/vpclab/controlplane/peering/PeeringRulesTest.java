package io.vpclab.controlplane.peering;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiException;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.model.CidrBlockCreate;
import io.vpclab.client.model.EffectiveRoute;
import io.vpclab.client.model.Peering;
import io.vpclab.client.model.PeeringCreate;
import io.vpclab.client.model.PeeringStatus;
import io.vpclab.client.model.RouteState;
import io.vpclab.client.model.RouteTargetType;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.Vpc;
import io.vpclab.controlplane.ApiTestSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class PeeringRulesTest extends ApiTestSupport {

    @Autowired
    private PeeringService peeringService;

    private TenantClient alice;
    private TenantClient bob;
    private PeeringsApi alicePeerings;
    private PeeringsApi bobPeerings;

    @BeforeEach
    void tenants() throws Exception {
        alice = newTenant();
        bob = newTenant();
        alicePeerings = new PeeringsApi(alice.api());
        bobPeerings = new PeeringsApi(bob.api());
    }

    private static PeeringCreate between(Vpc requester, Vpc accepter) {
        return new PeeringCreate().requesterVpcId(requester.getVpcId()).accepterVpcId(accepter.getVpcId());
    }

    private static List<EffectiveRoute> peeringRoutes(TenantClient owner, Subnet subnet) throws ApiException {
        return owner.subnets().getSubnetRoutes(subnet.getSubnetId()).getRoutes().stream()
                .filter(r -> r.getTargetType() == RouteTargetType.VPC_PEERING_CONNECTION)
                .map(r -> r.routeTableId(null)) // the table a route comes from is the route table feature's business
                .toList();
    }

    private static EffectiveRoute via(String cidr, String peeringId) {
        return new EffectiveRoute()
                .destinationCidrBlock(cidr)
                .targetType(RouteTargetType.VPC_PEERING_CONNECTION)
                .targetId(peeringId)
                .state(RouteState.ACTIVE);
    }

    @Test
    void withinOneTenantAPeeringIsActiveAtOnceAndRoutesBothWays() throws Exception {
        Vpc a = alice.vpc("10.0.0.0/16");
        Vpc b = alice.vpc("10.1.0.0/16");
        alice.vpcs().associateVpcCidrBlock(b.getVpcId(), new CidrBlockCreate().cidrBlock("172.16.0.0/16"));
        Subnet inA = alice.subnet(a.getVpcId(), "10.0.1.0/24");
        Subnet inB = alice.subnet(b.getVpcId(), "10.1.1.0/24");

        Peering peering = alicePeerings.createPeering(between(a, b));
        String id = peering.getVpcPeeringConnectionId();
        assertThat(id).startsWith("pcx-");
        assertThat(peering.getStatus()).isEqualTo(PeeringStatus.ACTIVE);
        assertThat(peering.getTenantId()).isEqualTo(alice.tenantId());
        assertThat(peering.getRequesterTenantId()).isEqualTo(alice.tenantId());
        assertThat(peering.getAccepterTenantId()).isEqualTo(alice.tenantId());
        assertThat(peering.getRequesterCidrBlocks()).containsExactly("10.0.0.0/16");
        assertThat(peering.getAccepterCidrBlocks()).containsExactly("10.1.0.0/16", "172.16.0.0/16");
        assertThat(alicePeerings.getPeering(id)).isEqualTo(peering);
        assertThat(alicePeerings.listPeerings(b.getVpcId(), null, null).getItems())
                .containsExactly(peering);

        assertThat(peeringRoutes(alice, inA)).containsExactly(via("10.1.0.0/16", id), via("172.16.0.0/16", id));
        assertThat(peeringRoutes(alice, inB)).containsExactly(via("10.0.0.0/16", id));
        assertThat(peeringService.activePairs()).contains(new PeeringService.VpcPair(a.getVpcId(), b.getVpcId()));

        assertRefused(409, "InvalidStateTransition", () -> alicePeerings.acceptPeering(id));
        assertRefused(409, "DependencyViolation", () -> {
            alice.vpcs().deleteVpc(a.getVpcId());
            return null;
        });

        alicePeerings.deletePeering(id);
        assertRefused(404, "InvalidVpcPeeringConnectionID.NotFound", () -> alicePeerings.getPeering(id));
        assertThat(peeringRoutes(alice, inA)).isEmpty();
        assertThat(peeringRoutes(alice, inB)).isEmpty();
        assertThat(peeringService.activePairs()).doesNotContain(new PeeringService.VpcPair(a.getVpcId(), b.getVpcId()));
    }

    @Test
    void acrossTenantsOnlyTheAccepterMayAcceptOrReject() throws Exception {
        Vpc mine = alice.vpc("10.0.0.0/16");
        Vpc theirs = bob.vpc("10.1.0.0/16");
        Subnet bobSubnet = bob.subnet(theirs.getVpcId(), "10.1.0.0/24");
        Peering pending = alicePeerings.createPeering(between(mine, theirs));
        String id = pending.getVpcPeeringConnectionId();
        assertThat(pending.getStatus()).isEqualTo(PeeringStatus.PENDING_ACCEPTANCE);
        assertThat(pending.getAccepterTenantId()).isEqualTo(bob.tenantId());
        assertThat(peeringRoutes(bob, bobSubnet)).isEmpty();

        // Both sides see it; a third tenant does not.
        assertThat(bobPeerings.getPeering(id)).isEqualTo(pending);
        assertThat(bobPeerings.listPeerings(null, null, null).getItems()).containsExactly(pending);
        PeeringsApi carol = new PeeringsApi(newTenant().api());
        assertRefused(404, "InvalidVpcPeeringConnectionID.NotFound", () -> carol.getPeering(id));
        assertRefused(404, "InvalidVpcPeeringConnectionID.NotFound", () -> carol.acceptPeering(id));
        assertRefused(404, "InvalidVpcPeeringConnectionID.NotFound", () -> {
            carol.deletePeering(id);
            return null;
        });
        assertThat(carol.listPeerings(null, null, null).getItems()).isEmpty();

        assertRefused(409, "OperationNotPermitted", () -> alicePeerings.acceptPeering(id));
        assertRefused(409, "OperationNotPermitted", () -> alicePeerings.rejectPeering(id));
        assertThat(bobPeerings.getPeering(id)).isEqualTo(pending);

        Peering active = bobPeerings.acceptPeering(id);
        assertThat(active.getStatus()).isEqualTo(PeeringStatus.ACTIVE);
        assertThat(peeringRoutes(bob, bobSubnet)).containsExactly(via("10.0.0.0/16", id));
        assertRefused(409, "InvalidStateTransition", () -> bobPeerings.acceptPeering(id));
        assertRefused(409, "InvalidStateTransition", () -> bobPeerings.rejectPeering(id));
        assertThat(alicePeerings.getPeering(id)).isEqualTo(active);

        // The accepter may delete too; the routes go on both sides.
        bobPeerings.deletePeering(id);
        assertThat(peeringRoutes(bob, bobSubnet)).isEmpty();
        assertRefused(404, "InvalidVpcPeeringConnectionID.NotFound", () -> alicePeerings.getPeering(id));
    }

    @Test
    void aRejectedRequestStaysRejectedAndFreesThePair() throws Exception {
        Vpc mine = alice.vpc("10.0.0.0/16");
        Vpc theirs = bob.vpc("10.1.0.0/16");
        String id = alicePeerings.createPeering(between(mine, theirs)).getVpcPeeringConnectionId();
        Peering rejected = bobPeerings.rejectPeering(id);
        assertThat(rejected.getStatus()).isEqualTo(PeeringStatus.REJECTED);
        assertRefused(409, "InvalidStateTransition", () -> bobPeerings.acceptPeering(id));
        assertThat(alicePeerings.getPeering(id)).isEqualTo(rejected);
        Peering again = alicePeerings.createPeering(between(mine, theirs));
        assertThat(again.getStatus()).isEqualTo(PeeringStatus.PENDING_ACCEPTANCE);
        // A VPC whose peerings are only pending or rejected can go; they go with it.
        alicePeerings.deletePeering(again.getVpcPeeringConnectionId());
        alice.vpcs().deleteVpc(mine.getVpcId());
        assertRefused(404, "InvalidVpcPeeringConnectionID.NotFound", () -> bobPeerings.getPeering(id));
    }

    @Test
    void badRequestsAreRefusedAndNothingIsStored() throws Exception {
        Vpc a = alice.vpc("10.0.0.0/16");
        Vpc overlapping = alice.vpc("10.0.128.0/17");
        Vpc b = alice.vpc("10.1.0.0/16");
        alice.vpcs().associateVpcCidrBlock(b.getVpcId(), new CidrBlockCreate().cidrBlock("192.168.0.0/16"));
        Vpc secondaryOverlap = alice.vpc("192.168.10.0/24");
        Vpc foreign = bob.vpc("10.5.0.0/16");

        assertRefused(400, "InvalidParameterValue", () -> alicePeerings.createPeering(between(a, a)));
        assertRefused(
                409, "InvalidVpcPeeringConnection.Overlap", () -> alicePeerings.createPeering(between(a, overlapping)));
        assertRefused(
                409,
                "InvalidVpcPeeringConnection.Overlap",
                () -> alicePeerings.createPeering(between(b, secondaryOverlap)));
        assertRefused(404, "InvalidVpcID.NotFound", () -> alicePeerings.createPeering(between(foreign, a)));
        assertRefused(
                404,
                "InvalidVpcID.NotFound",
                () -> alicePeerings.createPeering(
                        new PeeringCreate().requesterVpcId(a.getVpcId()).accepterVpcId("vpc-00000000000000000")));
        assertRefused(
                400,
                "MissingParameter",
                () -> alicePeerings.createPeering(new PeeringCreate().requesterVpcId(a.getVpcId())));
        assertThat(alicePeerings.listPeerings(null, null, null).getItems()).isEmpty();

        Peering first = alicePeerings.createPeering(between(a, b));
        assertRefused(409, "VpcPeeringConnectionAlreadyExists", () -> alicePeerings.createPeering(between(a, b)));
        assertRefused(409, "VpcPeeringConnectionAlreadyExists", () -> alicePeerings.createPeering(between(b, a)));
        assertThat(alicePeerings.listPeerings(null, null, null).getItems()).containsExactly(first);
    }

    @Test
    void aNewBlockMayNotOverlapAnActivePeer() throws Exception {
        Vpc a = alice.vpc("10.0.0.0/16");
        Vpc b = alice.vpc("10.1.0.0/16");
        alice.vpcs().associateVpcCidrBlock(b.getVpcId(), new CidrBlockCreate().cidrBlock("172.20.0.0/16"));
        alicePeerings.createPeering(between(a, b));
        Vpc before = alice.vpcs().getVpc(a.getVpcId());
        assertRefused(
                400,
                "InvalidVpc.Range",
                () -> alice.vpcs()
                        .associateVpcCidrBlock(a.getVpcId(), new CidrBlockCreate().cidrBlock("172.20.0.0/16")));
        assertRefused(
                400,
                "InvalidVpc.Range",
                () -> alice.vpcs().associateVpcCidrBlock(a.getVpcId(), new CidrBlockCreate().cidrBlock("10.1.0.0/16")));
        assertThat(alice.vpcs().getVpc(a.getVpcId())).isEqualTo(before);
        assertThat(alice.vpcs()
                        .associateVpcCidrBlock(a.getVpcId(), new CidrBlockCreate().cidrBlock("172.21.0.0/16"))
                        .getCidrBlockAssociationSet())
                .hasSize(2);
    }

    @Test
    void peeringIsNotTransitive() throws Exception {
        Vpc a = alice.vpc("10.0.0.0/16");
        Vpc b = alice.vpc("10.1.0.0/16");
        Vpc c = alice.vpc("10.2.0.0/16");
        Subnet inA = alice.subnet(a.getVpcId(), "10.0.0.0/24");
        String ab = alicePeerings.createPeering(between(a, b)).getVpcPeeringConnectionId();
        alicePeerings.createPeering(between(b, c));
        assertThat(peeringRoutes(alice, inA)).containsExactly(via("10.1.0.0/16", ab));
    }

    @Test
    void parallelRequestsForOnePairNeverBothSucceed() throws Exception {
        Vpc a = alice.vpc("10.0.0.0/16");
        Vpc b = alice.vpc("10.1.0.0/16");
        int contenders = 12;
        List<Callable<String>> calls = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            PeeringCreate request = i % 2 == 0 ? between(a, b) : between(b, a);
            calls.add(() -> outcome(() -> alicePeerings.createPeering(request)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        List<String> outcomes = new ArrayList<>();
        try {
            for (Future<String> result : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) {
                outcomes.add(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(outcomes).containsOnly("ok", "409 VpcPeeringConnectionAlreadyExists");
        assertThat(outcomes).filteredOn("ok"::equals).hasSize(1);
        assertThat(alicePeerings.listPeerings(a.getVpcId(), null, null).getItems())
                .hasSize(1);
    }
}
