package io.vpclab.controlplane.natgateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiException;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.WhitelistsApi;
import io.vpclab.client.model.EffectiveRoute;
import io.vpclab.client.model.EgressPolicy;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.NatGateway;
import io.vpclab.client.model.NatGatewayCreate;
import io.vpclab.client.model.NatGatewayState;
import io.vpclab.client.model.NatGatewaySubnetAssociate;
import io.vpclab.client.model.NatGatewayUpdate;
import io.vpclab.client.model.RouteState;
import io.vpclab.client.model.RouteTargetType;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.WhitelistCreate;
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

class NatGatewayRulesTest extends ApiTestSupport {

    private TenantClient tenant;
    private NatGatewaysApi gateways;
    private EipsApi eips;
    private String host;
    private String vpcId;
    private Subnet publicSubnet;
    private Subnet privateSubnet;

    @BeforeEach
    void network() throws Exception {
        tenant = newTenant();
        gateways = new NatGatewaysApi(tenant.api());
        eips = new EipsApi(tenant.api());
        host = newHost(InstanceKind.SIMULATED).getHost().getHostId();
        vpcId = tenant.vpc("10.0.0.0/16").getVpcId();
        publicSubnet = tenant.subnet(vpcId, "10.0.0.0/24");
        privateSubnet = tenant.subnet(vpcId, "10.0.1.0/24");
    }

    private Eip eip() throws ApiException {
        return eips.allocateEip(new EipAllocate());
    }

    private NatGatewayCreate create(Eip eip) {
        return new NatGatewayCreate()
                .subnetId(publicSubnet.getSubnetId())
                .allocationId(eip.getAllocationId())
                .hostId(host);
    }

    private List<EffectiveRoute> routes(Subnet subnet) throws ApiException {
        // the table a route comes from is the route table feature's business
        return tenant.subnets().getSubnetRoutes(subnet.getSubnetId()).getRoutes().stream()
                .map(r -> r.routeTableId(null))
                .toList();
    }

    private static EffectiveRoute defaultRouteVia(String natGatewayId) {
        return new EffectiveRoute()
                .destinationCidrBlock("0.0.0.0/0")
                .targetType(RouteTargetType.NAT_GATEWAY)
                .targetId(natGatewayId)
                .state(RouteState.ACTIVE);
    }

    @Test
    void aGatewayTakesItsEipAndAnAddressOfItsSubnet() throws Exception {
        Eip eip = eip();
        NatGateway gateway = gateways.createNatGateway(create(eip).name("out"));
        assertThat(gateway.getNatGatewayId()).startsWith("nat-");
        assertThat(gateway.getTenantId()).isEqualTo(tenant.tenantId());
        assertThat(gateway.getVpcId()).isEqualTo(vpcId);
        assertThat(gateway.getSubnetId()).isEqualTo(publicSubnet.getSubnetId());
        assertThat(gateway.getAllocationId()).isEqualTo(eip.getAllocationId());
        assertThat(gateway.getPublicIp()).isEqualTo(eip.getPublicIp());
        assertThat(gateway.getPrivateIpAddress()).isEqualTo("10.0.0.4");
        assertThat(gateway.getHostId()).isEqualTo(host);
        assertThat(gateway.getEgressPolicy()).isEqualTo(EgressPolicy.ALLOW_ALL);
        assertThat(gateway.getIdleTimeoutSeconds()).isEqualTo(350);
        assertThat(gateway.getUdpIdleTimeoutSeconds()).isEqualTo(350);
        assertThat(gateway.getState()).isEqualTo(NatGatewayState.AVAILABLE);
        assertThat(gateway.getAssociatedSubnetIds()).isEmpty();
        assertThat(gateways.getNatGateway(gateway.getNatGatewayId())).isEqualTo(gateway);
        assertThat(gateways.listNatGateways(vpcId, null, null).getItems()).containsExactly(gateway);

        Eip bound = eips.getEip(eip.getAllocationId());
        assertThat(bound.getNatGatewayId()).isEqualTo(gateway.getNatGatewayId());
        assertThat(bound.getPrivateIpAddress()).isEqualTo("10.0.0.4");
        assertThat(tenant.subnets().getSubnet(publicSubnet.getSubnetId()).getAvailableIpAddressCount())
                .isEqualTo(250);
        // A private address taken by the gateway is not handed to the next instance.
        Instance next = tenant.instances()
                .runInstance(new InstanceCreate()
                        .subnetId(publicSubnet.getSubnetId())
                        .hostId(host));
        assertThat(next.getPrivateIpAddress()).isEqualTo("10.0.0.5");
    }

    @Test
    void theServerPlacesAGatewayWhenNoHostIsNamed() throws Exception {
        NatGateway gateway = gateways.createNatGateway(create(eip()).hostId(null));
        assertThat(gateway.getHostId()).isNotNull();
        assertThat(new HostsApi(admin()).getHost(gateway.getHostId()).getHostId())
                .isEqualTo(gateway.getHostId());
        assertThat(gateway.getState()).isEqualTo(NatGatewayState.AVAILABLE);
    }

    @Test
    void badCreationsAreRefusedAndNothingIsStored() throws Exception {
        Eip eip = eip();
        Instance instance = tenant.instances()
                .runInstance(new InstanceCreate()
                        .subnetId(publicSubnet.getSubnetId())
                        .hostId(host));
        Eip taken = eips.associateEip(eip().getAllocationId(), new EipAssociate().instanceId(instance.getInstanceId()));
        Eip foreign = new EipsApi(newTenant().api()).allocateEip(new EipAllocate());
        int freeBefore = tenant.subnets().getSubnet(publicSubnet.getSubnetId()).getAvailableIpAddressCount();

        assertRefused(409, "Resource.AlreadyAssociated", () -> gateways.createNatGateway(create(taken)));
        assertRefused(404, "InvalidAllocationID.NotFound", () -> gateways.createNatGateway(create(foreign)));
        assertRefused(
                400,
                "MissingParameter",
                () -> gateways.createNatGateway(create(eip).allocationId(null)));
        assertRefused(
                404,
                "InvalidSubnetID.NotFound",
                () -> gateways.createNatGateway(create(eip).subnetId("subnet-00000000000000000")));
        assertRefused(
                404,
                "InvalidHost.NotFound",
                () -> gateways.createNatGateway(create(eip).hostId("host-00000000000000000")));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> gateways.createNatGateway(create(eip).idleTimeoutSeconds(0)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> gateways.createNatGateway(create(eip).udpIdleTimeoutSeconds(86_401)));
        assertRefused(
                400,
                "MissingParameter",
                () -> gateways.createNatGateway(create(eip).egressPolicy(EgressPolicy.WHITELIST)));

        NatGateway first = gateways.createNatGateway(create(eip));
        assertRefused(409, "Resource.AlreadyAssociated", () -> gateways.createNatGateway(create(eip)));

        assertThat(gateways.listNatGateways(null, null, null).getItems()).containsExactly(first);
        assertThat(tenant.subnets().getSubnet(publicSubnet.getSubnetId()).getAvailableIpAddressCount())
                .isEqualTo(freeBefore - 1);
        assertThat(eips.getEip(taken.getAllocationId())).isEqualTo(taken);
    }

    @Test
    void subnetAssociationsFollowTheRulesAndRouteTheDefault() throws Exception {
        NatGateway gateway = gateways.createNatGateway(create(eip()));
        String id = gateway.getNatGatewayId();
        NatGateway associated = gateways.associateNatGatewaySubnet(
                id, new NatGatewaySubnetAssociate().subnetId(privateSubnet.getSubnetId()));
        assertThat(associated.getAssociatedSubnetIds()).containsExactly(privateSubnet.getSubnetId());
        assertThat(routes(privateSubnet)).contains(defaultRouteVia(id));
        assertThat(tenant.subnets().getSubnet(privateSubnet.getSubnetId()).getNatGatewayId())
                .isEqualTo(id);
        assertThat(routes(publicSubnet)).noneMatch(r -> r.getTargetType() == RouteTargetType.NAT_GATEWAY);

        Subnet third = tenant.subnet(vpcId, "10.0.2.0/24");
        Subnet elsewhere = tenant.subnet(tenant.vpc("10.1.0.0/16").getVpcId(), "10.1.0.0/24");
        TenantClient other = newTenant();
        Subnet foreign = other.subnet(other.vpc("10.2.0.0/16").getVpcId(), "10.2.0.0/24");
        NatGateway second = gateways.createNatGateway(new NatGatewayCreate()
                .subnetId(third.getSubnetId())
                .allocationId(eip().getAllocationId())
                .hostId(host));

        assertRefused(
                409,
                "Resource.AlreadyAssociated",
                () -> gateways.associateNatGatewaySubnet(
                        second.getNatGatewayId(),
                        new NatGatewaySubnetAssociate().subnetId(privateSubnet.getSubnetId())));
        assertRefused(
                409,
                "Resource.AlreadyAssociated",
                () -> gateways.associateNatGatewaySubnet(
                        id, new NatGatewaySubnetAssociate().subnetId(privateSubnet.getSubnetId())));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> gateways.associateNatGatewaySubnet(
                        id, new NatGatewaySubnetAssociate().subnetId(publicSubnet.getSubnetId())));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> gateways.associateNatGatewaySubnet(
                        id, new NatGatewaySubnetAssociate().subnetId(elsewhere.getSubnetId())));
        assertRefused(
                404,
                "InvalidSubnetID.NotFound",
                () -> gateways.associateNatGatewaySubnet(
                        id, new NatGatewaySubnetAssociate().subnetId(foreign.getSubnetId())));
        assertThat(gateways.getNatGateway(id)).isEqualTo(associated);
        assertThat(gateways.getNatGateway(second.getNatGatewayId()).getAssociatedSubnetIds())
                .isEmpty();

        assertRefused(409, "DependencyViolation", () -> {
            tenant.subnets().deleteSubnet(privateSubnet.getSubnetId());
            return null;
        });
        assertRefused(409, "DependencyViolation", () -> {
            tenant.subnets().deleteSubnet(publicSubnet.getSubnetId());
            return null;
        });
        assertRefused(409, "DependencyViolation", () -> {
            tenant.vpcs().deleteVpc(vpcId);
            return null;
        });

        NatGateway without = gateways.disassociateNatGatewaySubnet(id, privateSubnet.getSubnetId());
        assertThat(without.getAssociatedSubnetIds()).isEmpty();
        assertThat(routes(privateSubnet)).noneMatch(r -> r.getTargetType() == RouteTargetType.NAT_GATEWAY);
        assertRefused(
                404,
                "InvalidAssociationID.NotFound",
                () -> gateways.disassociateNatGatewaySubnet(id, privateSubnet.getSubnetId()));
        tenant.subnets().deleteSubnet(privateSubnet.getSubnetId());
    }

    @Test
    void egressPolicyWhitelistAndTimeoutsCanChange() throws Exception {
        WhitelistsApi whitelists = new WhitelistsApi(tenant.api());
        String whitelist =
                whitelists.createWhitelist(new WhitelistCreate().name("egress")).getWhitelistId();
        NatGateway gateway = gateways.createNatGateway(create(eip())
                .egressPolicy(EgressPolicy.WHITELIST)
                .whitelistId(whitelist)
                .idleTimeoutSeconds(120)
                .udpIdleTimeoutSeconds(30));
        String id = gateway.getNatGatewayId();
        assertThat(gateway.getEgressPolicy()).isEqualTo(EgressPolicy.WHITELIST);
        assertThat(gateway.getWhitelistId()).isEqualTo(whitelist);
        assertThat(gateway.getIdleTimeoutSeconds()).isEqualTo(120);
        assertThat(gateway.getUdpIdleTimeoutSeconds()).isEqualTo(30);

        assertRefused(409, "DependencyViolation", () -> {
            whitelists.deleteWhitelist(whitelist);
            return null;
        });
        assertRefused(
                409,
                "DependencyViolation",
                () -> gateways.updateNatGateway(id, new NatGatewayUpdate().whitelistId("")));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> gateways.updateNatGateway(id, new NatGatewayUpdate().idleTimeoutSeconds(0)));
        assertThat(gateways.getNatGateway(id)).isEqualTo(gateway);

        NatGateway changed = gateways.updateNatGateway(id, new NatGatewayUpdate().udpIdleTimeoutSeconds(60));
        assertThat(changed.getIdleTimeoutSeconds()).isEqualTo(120);
        assertThat(changed.getUdpIdleTimeoutSeconds()).isEqualTo(60);
        assertThat(changed.getWhitelistId()).isEqualTo(whitelist);
        NatGateway open = gateways.updateNatGateway(id, new NatGatewayUpdate().egressPolicy(EgressPolicy.ALLOW_ALL));
        assertThat(open.getWhitelistId()).isNull();
        whitelists.deleteWhitelist(whitelist);
    }

    @Test
    void deletingFreesTheEipTheAddressAndTheRoutes() throws Exception {
        Eip eip = eip();
        NatGateway gateway = gateways.createNatGateway(create(eip));
        gateways.associateNatGatewaySubnet(
                gateway.getNatGatewayId(), new NatGatewaySubnetAssociate().subnetId(privateSubnet.getSubnetId()));
        assertRefused(409, "InvalidIPAddress.InUse", () -> {
            eips.releaseEip(eip.getAllocationId());
            return null;
        });
        assertRefused(409, "OperationNotPermitted", () -> eips.disassociateEip(eip.getAllocationId()));
        assertRefused(409, "DependencyViolation", () -> {
            new HostsApi(admin()).deregisterHost(host);
            return null;
        });

        gateways.deleteNatGateway(gateway.getNatGatewayId());
        assertRefused(404, "InvalidNatGatewayID.NotFound", () -> gateways.getNatGateway(gateway.getNatGatewayId()));
        assertThat(eips.getEip(eip.getAllocationId()).getAssociationId()).isNull();
        assertThat(routes(privateSubnet)).noneMatch(r -> r.getTargetType() == RouteTargetType.NAT_GATEWAY);
        assertThat(tenant.subnets().getSubnet(publicSubnet.getSubnetId()).getAvailableIpAddressCount())
                .isEqualTo(251);
        eips.releaseEip(eip.getAllocationId());
        tenant.subnets().deleteSubnet(publicSubnet.getSubnetId());
    }

    @Test
    void anEipCanReplaceTheGatewaysEipOnlyWithReassociation() throws Exception {
        Eip original = eip();
        NatGateway gateway = gateways.createNatGateway(create(original));
        Eip replacement = eip();
        EipAssociate toGateway = new EipAssociate().natGatewayId(gateway.getNatGatewayId());
        assertRefused(
                409, "Resource.AlreadyAssociated", () -> eips.associateEip(replacement.getAllocationId(), toGateway));
        assertThat(eips.getEip(replacement.getAllocationId())).isEqualTo(replacement);

        Eip moved = eips.associateEip(replacement.getAllocationId(), toGateway.allowReassociation(true));
        assertThat(moved.getNatGatewayId()).isEqualTo(gateway.getNatGatewayId());
        assertThat(moved.getPrivateIpAddress()).isEqualTo(gateway.getPrivateIpAddress());
        assertThat(gateways.getNatGateway(gateway.getNatGatewayId()).getPublicIp())
                .isEqualTo(replacement.getPublicIp());
        assertThat(eips.getEip(original.getAllocationId()).getAssociationId()).isNull();

        // The gateway's EIP cannot be pulled away to an instance, even with reassociation.
        Instance instance = tenant.instances()
                .runInstance(new InstanceCreate()
                        .subnetId(privateSubnet.getSubnetId())
                        .hostId(host));
        assertRefused(
                409,
                "OperationNotPermitted",
                () -> eips.associateEip(
                        replacement.getAllocationId(),
                        new EipAssociate().instanceId(instance.getInstanceId()).allowReassociation(true)));
    }

    @Test
    void anotherTenantGets404() throws Exception {
        NatGateway gateway = gateways.createNatGateway(create(eip()));
        String id = gateway.getNatGatewayId();
        TenantClient other = newTenant();
        NatGatewaysApi theirs = new NatGatewaysApi(other.api());
        assertRefused(404, "InvalidNatGatewayID.NotFound", () -> theirs.getNatGateway(id));
        assertRefused(
                404,
                "InvalidNatGatewayID.NotFound",
                () -> theirs.updateNatGateway(id, new NatGatewayUpdate().idleTimeoutSeconds(10)));
        assertRefused(
                404,
                "InvalidNatGatewayID.NotFound",
                () -> theirs.associateNatGatewaySubnet(
                        id, new NatGatewaySubnetAssociate().subnetId(privateSubnet.getSubnetId())));
        assertRefused(404, "InvalidNatGatewayID.NotFound", () -> {
            theirs.deleteNatGateway(id);
            return null;
        });
        assertRefused(
                404,
                "InvalidSubnetID.NotFound",
                () -> theirs.createNatGateway(create(new EipsApi(other.api()).allocateEip(null))));
        assertRefused(
                404,
                "InvalidNatGatewayID.NotFound",
                () -> new EipsApi(other.api())
                        .associateEip(
                                new EipsApi(other.api()).allocateEip(null).getAllocationId(),
                                new EipAssociate().natGatewayId(id).allowReassociation(true)));
        assertThat(theirs.listNatGateways(null, null, null).getItems()).isEmpty();
        assertThat(gateways.getNatGateway(id)).isEqualTo(gateway);
    }

    @Test
    void parallelGatewaysOnOneEipNeverBothSucceed() throws Exception {
        int contenders = 10;
        List<String> subnets = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            // One VPC each: only the EIP's row lock serialises the requests.
            subnets.add(tenant.subnet(tenant.vpc("10." + (i + 10) + ".0.0/16").getVpcId(), "10." + (i + 10) + ".0.0/24")
                    .getSubnetId());
        }
        Eip eip = eip();
        List<Callable<String>> calls = new ArrayList<>();
        for (String subnet : subnets) {
            calls.add(() -> outcome(() -> gateways.createNatGateway(new NatGatewayCreate()
                    .subnetId(subnet)
                    .allocationId(eip.getAllocationId())
                    .hostId(host))));
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
        assertThat(gateways.listNatGateways(null, null, null).getItems())
                .hasSize(1)
                .allSatisfy(g -> assertThat(g.getAllocationId()).isEqualTo(eip.getAllocationId()));
    }
}
