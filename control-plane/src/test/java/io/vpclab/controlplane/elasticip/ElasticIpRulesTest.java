package io.vpclab.controlplane.elasticip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vpclab.client.ApiException;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.WhitelistsApi;
import io.vpclab.client.model.EffectiveRoute;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.EipList;
import io.vpclab.client.model.EipUpdate;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.RouteTargetType;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.WhitelistCreate;
import io.vpclab.controlplane.ApiTestSupport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ElasticIpRulesTest extends ApiTestSupport {

    private TenantClient tenant;
    private EipsApi eips;
    private String host;
    private Subnet subnet;

    @BeforeEach
    void network() throws Exception {
        tenant = newTenant();
        eips = new EipsApi(tenant.api());
        host = newHost(InstanceKind.SIMULATED).getHost().getHostId();
        subnet = tenant.subnet(tenant.vpc("10.0.0.0/16").getVpcId(), "10.0.0.0/24");
    }

    private Instance instance(TenantClient owner, Subnet in) throws ApiException {
        return owner.instances()
                .runInstance(new InstanceCreate().subnetId(in.getSubnetId()).hostId(host));
    }

    private Eip allocate() throws ApiException {
        return eips.allocateEip(new EipAllocate());
    }

    private static EipAssociate to(Instance instance) {
        return new EipAssociate().instanceId(instance.getInstanceId());
    }

    @Test
    void allocationComesFromThePoolAndStartsClosed() throws Exception {
        Eip first = allocate();
        Eip second = eips.allocateEip(null);
        assertThat(first.getAllocationId()).startsWith("eipalloc-");
        assertThat(first.getTenantId()).isEqualTo(tenant.tenantId());
        assertThat(first.getPublicIp())
                .startsWith("203.0.113.")
                .isNotEqualTo(second.getPublicIp())
                .isNotIn("203.0.113.0", "203.0.113.255");
        assertThat(first.getIngressPolicy()).isEqualTo(IngressPolicy.DENY_ALL);
        assertThat(first.getAssociationId()).isNull();
        assertThat(first.getInstanceId()).isNull();
        assertThat(eips.getEip(first.getAllocationId())).isEqualTo(first);
        assertThat(eips.listEips(null, null, null).getItems()).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void listsArePagedAndTheAdminNamesTheTenant() throws Exception {
        Eip first = allocate();
        Eip second = allocate();
        Eip third = allocate();
        EipList page = eips.listEips(null, 2, null);
        assertThat(page.getItems()).hasSize(2);
        assertThat(page.getNextToken()).isNotNull();
        EipList rest = eips.listEips(null, 2, page.getNextToken());
        assertThat(rest.getNextToken()).isNull();
        List<Eip> all = new ArrayList<>(page.getItems());
        all.addAll(rest.getItems());
        assertThat(all).containsExactlyInAnyOrder(first, second, third);

        EipsApi admin = new EipsApi(admin());
        assertRefused(400, "MissingParameter", () -> admin.allocateEip(new EipAllocate()));
        Eip forTenant = admin.allocateEip(new EipAllocate().tenantId(tenant.tenantId()));
        assertThat(eips.getEip(forTenant.getAllocationId()).getTenantId()).isEqualTo(tenant.tenantId());
        assertThat(eips.listEips(null, null, null).getItems()).hasSize(4);
    }

    @Test
    void aTenantHoldingAnEipCannotBeDeleted() throws Exception {
        TenantClient holder = newTenant();
        EipsApi theirs = new EipsApi(holder.api());
        Eip eip = theirs.allocateEip(null);
        TenantsApi tenants = new TenantsApi(admin());
        assertRefused(409, "DependencyViolation", () -> {
            tenants.deleteTenant(holder.tenantId(), null);
            return null;
        });
        assertThat(theirs.getEip(eip.getAllocationId())).isEqualTo(eip);
        theirs.releaseEip(eip.getAllocationId());
        tenants.deleteTenant(holder.tenantId(), null);
        assertRefused(404, "InvalidTenant.NotFound", () -> tenants.getTenant(holder.tenantId()));
    }

    @Test
    void associationIsOneToOneUnlessReassociationIsAllowed() throws Exception {
        Instance a = instance(tenant, subnet);
        Instance b = instance(tenant, subnet);
        Eip eip = allocate();
        Eip associated = eips.associateEip(eip.getAllocationId(), to(a));
        assertThat(associated.getInstanceId()).isEqualTo(a.getInstanceId());
        assertThat(associated.getPrivateIpAddress()).isEqualTo(a.getPrivateIpAddress());
        assertThat(associated.getAssociationId()).startsWith("eipassoc-");
        assertThat(eips.listEips(subnet.getVpcId(), null, null).getItems()).containsExactly(associated);

        assertRefused(409, "Resource.AlreadyAssociated", () -> eips.associateEip(eip.getAllocationId(), to(b)));
        Eip other = allocate();
        assertRefused(409, "Resource.AlreadyAssociated", () -> eips.associateEip(other.getAllocationId(), to(a)));
        assertThat(eips.getEip(eip.getAllocationId())).isEqualTo(associated);
        assertThat(eips.getEip(other.getAllocationId())).isEqualTo(other);

        Eip moved = eips.associateEip(eip.getAllocationId(), to(b).allowReassociation(true));
        assertThat(moved.getInstanceId()).isEqualTo(b.getInstanceId());
        assertThat(moved.getPrivateIpAddress()).isEqualTo(b.getPrivateIpAddress());
        assertThat(moved.getAssociationId()).isNotEqualTo(associated.getAssociationId());

        // Reassociation onto an instance that has an EIP replaces that instance's EIP.
        eips.associateEip(other.getAllocationId(), to(b).allowReassociation(true));
        assertThat(eips.getEip(other.getAllocationId()).getInstanceId()).isEqualTo(b.getInstanceId());
        assertThat(eips.getEip(eip.getAllocationId()).getAssociationId()).isNull();
    }

    @Test
    void releaseIsRefusedWhileAssociated() throws Exception {
        Instance a = instance(tenant, subnet);
        Eip eip = allocate();
        Eip associated = eips.associateEip(eip.getAllocationId(), to(a));
        assertRefused(409, "InvalidIPAddress.InUse", () -> {
            eips.releaseEip(eip.getAllocationId());
            return null;
        });
        assertThat(eips.getEip(eip.getAllocationId())).isEqualTo(associated);

        Eip free = eips.disassociateEip(eip.getAllocationId());
        assertThat(free.getAssociationId()).isNull();
        assertThat(free.getInstanceId()).isNull();
        assertThat(free.getPrivateIpAddress()).isNull();
        eips.releaseEip(eip.getAllocationId());
        assertRefused(404, "InvalidAllocationID.NotFound", () -> eips.getEip(eip.getAllocationId()));
    }

    @Test
    void theInstanceShowsItsElasticIpUntilDisassociated() throws Exception {
        Instance a = instance(tenant, subnet);
        Instance b = instance(tenant, subnet);
        Eip eip = allocate();
        assertThat(tenant.instances().getInstance(a.getInstanceId()).getPublicIp())
                .isNull();
        eips.associateEip(eip.getAllocationId(), to(a));
        assertThat(tenant.instances().getInstance(a.getInstanceId()).getPublicIp())
                .isEqualTo(eip.getPublicIp());
        assertThat(tenant.instances()
                        .listInstances(null, subnet.getSubnetId(), null, null, null)
                        .getItems())
                .extracting(Instance::getInstanceId, Instance::getPublicIp)
                .containsExactlyInAnyOrder(tuple(a.getInstanceId(), eip.getPublicIp()), tuple(b.getInstanceId(), null));
        eips.disassociateEip(eip.getAllocationId());
        assertThat(tenant.instances().getInstance(a.getInstanceId()).getPublicIp())
                .isNull();
        assertThat(tenant.instances()
                        .listInstances(null, subnet.getSubnetId(), null, null, null)
                        .getItems())
                .extracting(Instance::getPublicIp)
                .containsOnlyNulls();
        eips.releaseEip(eip.getAllocationId());
    }

    @Test
    void terminatingTheInstanceDisassociatesItsEip() throws Exception {
        Instance a = instance(tenant, subnet);
        Eip eip = allocate();
        eips.associateEip(eip.getAllocationId(), to(a));
        tenant.instances().terminateInstance(a.getInstanceId());
        Eip after = eips.getEip(eip.getAllocationId());
        assertThat(after.getAssociationId()).isNull();
        assertThat(after.getInstanceId()).isNull();
        eips.releaseEip(eip.getAllocationId());
    }

    @Test
    void anInstancesEipIsNotARouteOfItsWholeSubnet() throws Exception {
        Instance a = instance(tenant, subnet);
        Eip eip = allocate();
        List<EffectiveRoute> before =
                tenant.subnets().getSubnetRoutes(subnet.getSubnetId()).getRoutes();
        eips.associateEip(eip.getAllocationId(), to(a));
        // the instance leaves through its EIP, the subnet's other instances do not: no 0.0.0.0/0 here
        assertThat(tenant.subnets().getSubnetRoutes(subnet.getSubnetId()).getRoutes())
                .isEqualTo(before)
                .noneMatch(r -> r.getTargetType() == RouteTargetType.INTERNET_GATEWAY);
    }

    @Test
    void badAssociationsAreRefused() throws Exception {
        Instance a = instance(tenant, subnet);
        Eip eip = allocate();
        String id = eip.getAllocationId();
        assertRefused(400, "MissingParameter", () -> eips.associateEip(id, new EipAssociate()));
        assertRefused(
                400,
                "InvalidParameterCombination",
                () -> eips.associateEip(id, to(a).natGatewayId("nat-00000000000000000")));
        assertRefused(
                404,
                "InvalidInstanceID.NotFound",
                () -> eips.associateEip(id, new EipAssociate().instanceId("i-00000000000000000")));
        assertRefused(
                404,
                "InvalidNatGatewayID.NotFound",
                () -> eips.associateEip(id, new EipAssociate().natGatewayId("nat-00000000000000000")));
        assertRefused(
                404, "InvalidAllocationID.NotFound", () -> eips.associateEip("eipalloc-00000000000000000", to(a)));
        assertThat(eips.getEip(id)).isEqualTo(eip);
    }

    @Test
    void ingressPolicyAndItsWhitelistFollowTheRules() throws Exception {
        WhitelistsApi whitelists = new WhitelistsApi(tenant.api());
        String mine =
                whitelists.createWhitelist(new WhitelistCreate().name("in")).getWhitelistId();
        String foreign = new WhitelistsApi(newTenant().api())
                .createWhitelist(new WhitelistCreate().name("in"))
                .getWhitelistId();
        Eip eip = allocate();
        String id = eip.getAllocationId();

        assertRefused(
                400,
                "MissingParameter",
                () -> eips.updateEip(id, new EipUpdate().ingressPolicy(IngressPolicy.WHITELIST)));
        assertRefused(
                404,
                "InvalidWhitelistID.NotFound",
                () -> eips.updateEip(
                        id,
                        new EipUpdate().ingressPolicy(IngressPolicy.WHITELIST).whitelistId(foreign)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> eips.updateEip(
                        id,
                        new EipUpdate().ingressPolicy(IngressPolicy.ALLOW_ALL).whitelistId(mine)));
        assertThat(eips.getEip(id)).isEqualTo(eip);

        Eip guarded = eips.updateEip(
                id, new EipUpdate().ingressPolicy(IngressPolicy.WHITELIST).whitelistId(mine));
        assertThat(guarded.getIngressPolicy()).isEqualTo(IngressPolicy.WHITELIST);
        assertThat(guarded.getWhitelistId()).isEqualTo(mine);
        assertRefused(409, "DependencyViolation", () -> eips.updateEip(id, new EipUpdate().whitelistId("")));
        assertRefused(409, "DependencyViolation", () -> {
            whitelists.deleteWhitelist(mine);
            return null;
        });
        assertThat(eips.getEip(id)).isEqualTo(guarded);
        assertThat(whitelists.getWhitelist(mine).getWhitelistId()).isEqualTo(mine);

        Eip open = eips.updateEip(id, new EipUpdate().ingressPolicy(IngressPolicy.ALLOW_ALL));
        assertThat(open.getIngressPolicy()).isEqualTo(IngressPolicy.ALLOW_ALL);
        assertThat(open.getWhitelistId()).isNull();
        whitelists.deleteWhitelist(mine);

        Eip allocatedGuarded = eips.allocateEip(new EipAllocate()
                .ingressPolicy(IngressPolicy.WHITELIST)
                .whitelistId(whitelists
                        .createWhitelist(new WhitelistCreate().name("in2"))
                        .getWhitelistId()));
        assertThat(allocatedGuarded.getIngressPolicy()).isEqualTo(IngressPolicy.WHITELIST);
        assertRefused(
                400,
                "MissingParameter",
                () -> eips.allocateEip(new EipAllocate().ingressPolicy(IngressPolicy.WHITELIST)));
    }

    @Test
    void anotherTenantGets404AndCannotUseMyEip() throws Exception {
        Instance a = instance(tenant, subnet);
        Eip eip = allocate();
        String id = eip.getAllocationId();
        TenantClient other = newTenant();
        EipsApi theirs = new EipsApi(other.api());
        Instance theirInstance =
                instance(other, other.subnet(other.vpc("10.0.0.0/16").getVpcId(), "10.0.0.0/24"));

        assertRefused(404, "InvalidAllocationID.NotFound", () -> theirs.getEip(id));
        assertRefused(404, "InvalidAllocationID.NotFound", () -> theirs.associateEip(id, to(theirInstance)));
        assertRefused(
                404,
                "InvalidAllocationID.NotFound",
                () -> theirs.updateEip(id, new EipUpdate().ingressPolicy(IngressPolicy.ALLOW_ALL)));
        assertRefused(404, "InvalidAllocationID.NotFound", () -> theirs.disassociateEip(id));
        assertRefused(404, "InvalidAllocationID.NotFound", () -> {
            theirs.releaseEip(id);
            return null;
        });
        assertRefused(404, "InvalidInstanceID.NotFound", () -> eips.associateEip(id, to(theirInstance)));
        // Even the admin cannot map one tenant's EIP onto another tenant's instance.
        assertRefused(
                404, "InvalidInstanceID.NotFound", () -> new EipsApi(admin()).associateEip(id, to(theirInstance)));
        assertThat(theirs.listEips(null, null, null).getItems()).isEmpty();
        assertThat(eips.getEip(id)).isEqualTo(eip);
        assertThat(eips.associateEip(id, to(a)).getInstanceId()).isEqualTo(a.getInstanceId());
    }

    @Test
    void parallelAssociationsOfOneEipNeverBothSucceed() throws Exception {
        int contenders = 12;
        List<Instance> targets = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            // One VPC each, so only the EIP's own row lock stands between the requests.
            Subnet own = tenant.subnet(tenant.vpc("10." + (i + 1) + ".0.0/16").getVpcId(), "10." + (i + 1) + ".0.0/24");
            targets.add(instance(tenant, own));
        }
        Eip eip = allocate();
        List<Callable<String>> calls = new ArrayList<>();
        for (Instance target : targets) {
            calls.add(() -> outcome(() -> eips.associateEip(eip.getAllocationId(), to(target))));
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
        assertThat(outcomes).containsOnly("ok", "409 Resource.AlreadyAssociated");
        assertThat(outcomes).filteredOn("ok"::equals).hasSize(1);
        Eip after = eips.getEip(eip.getAllocationId());
        Set<String> targetIds =
                new HashSet<>(targets.stream().map(Instance::getInstanceId).toList());
        assertThat(targetIds).contains(after.getInstanceId());
    }

    @Test
    void crossingReassociationsBothSucceed() throws Exception {
        Instance a = instance(tenant, tenant.subnet(tenant.vpc("10.101.0.0/16").getVpcId(), "10.101.0.0/24"));
        Instance b = instance(tenant, tenant.subnet(tenant.vpc("10.102.0.0/16").getVpcId(), "10.102.0.0/24"));
        Eip e = allocate();
        Eip f = allocate();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                eips.associateEip(e.getAllocationId(), to(a).allowReassociation(true));
                eips.associateEip(f.getAllocationId(), to(b).allowReassociation(true));
                // E moves to B's instance while F moves to A's: each request also displaces the other's EIP.
                List<Future<String>> swaps = pool.invokeAll(
                        List.of(
                                () -> outcome(
                                        () -> eips.associateEip(e.getAllocationId(), to(b).allowReassociation(true))),
                                () -> outcome(
                                        () -> eips.associateEip(f.getAllocationId(), to(a).allowReassociation(true)))),
                        60,
                        TimeUnit.SECONDS);
                assertThat(swaps.get(0).get()).isEqualTo("ok");
                assertThat(swaps.get(1).get()).isEqualTo("ok");
                // Whichever ran second won its target; the first may have lost its EIP to it.
                Set<String> holders = new HashSet<>();
                for (Eip eip : List.of(eips.getEip(e.getAllocationId()), eips.getEip(f.getAllocationId()))) {
                    if (eip.getInstanceId() != null) {
                        assertThat(holders.add(eip.getInstanceId()))
                                .as("one EIP per instance")
                                .isTrue();
                    }
                }
                assertThat(holders).isNotEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
