package io.vpclab.controlplane.routetable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vpclab.client.ApiException;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.api.RouteTablesApi;
import io.vpclab.client.model.EffectiveRoute;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.NatGateway;
import io.vpclab.client.model.NatGatewayCreate;
import io.vpclab.client.model.NatGatewaySubnetAssociate;
import io.vpclab.client.model.Peering;
import io.vpclab.client.model.PeeringCreate;
import io.vpclab.client.model.RouteTable;
import io.vpclab.client.model.RouteTableAssociation;
import io.vpclab.client.model.RouteTableCreate;
import io.vpclab.client.model.RouteTableRoute;
import io.vpclab.client.model.RouteTableRouteCreate;
import io.vpclab.client.model.Subnet;
import io.vpclab.controlplane.ApiTestSupport;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Route tables over HTTP: every rule and code of RULES.md "Route table", and the effective-routes view. */
class RouteTableRulesTest extends ApiTestSupport {

    private TenantClient tenant;
    private RouteTablesApi tables;
    private String host;
    private String vpcId;
    private Subnet web;
    private Subnet app;

    @BeforeEach
    void network() throws Exception {
        tenant = newTenant();
        tables = new RouteTablesApi(tenant.api());
        host = newHost(InstanceKind.SIMULATED).getHost().getHostId();
        vpcId = tenant.vpc("10.0.0.0/16").getVpcId();
        web = tenant.subnet(vpcId, "10.0.1.0/24");
        app = tenant.subnet(vpcId, "10.0.2.0/24");
    }

    private RouteTable main() throws ApiException {
        return tables.listRouteTables(vpcId, null, null).getItems().stream()
                .filter(RouteTable::getMain)
                .findFirst()
                .orElseThrow();
    }

    private RouteTable custom() throws ApiException {
        return tables.createRouteTable(new RouteTableCreate().vpcId(vpcId));
    }

    private Instance instance(Subnet subnet) throws ApiException {
        return tenant.instances()
                .runInstance(new InstanceCreate().subnetId(subnet.getSubnetId()).hostId(host));
    }

    private static RouteTableRouteCreate route(String destination) {
        return new RouteTableRouteCreate().destinationCidrBlock(destination);
    }

    private static List<String> shown(RouteTable table) {
        return table.getRoutes().stream().map(RouteTableRulesTest::shown).toList();
    }

    private static String shown(RouteTableRoute route) {
        return route.getDestinationCidrBlock() + " " + route.getTargetType().getValue()
                + (route.getTargetId() == null ? "" : " " + route.getTargetId()) + " "
                + route.getState().getValue();
    }

    private List<String> effective(Subnet subnet) throws ApiException {
        return tenant.subnets().getSubnetRoutes(subnet.getSubnetId()).getRoutes().stream()
                .map(r -> r.getDestinationCidrBlock() + " " + r.getTargetType().getValue()
                        + (r.getTargetId() == null ? "" : " " + r.getTargetId()) + " "
                        + r.getState().getValue())
                .toList();
    }

    private Object deleted(String routeTableId) throws ApiException {
        tables.deleteRouteTable(routeTableId);
        return routeTableId;
    }

    @Test
    void aVpcComesWithAMainTableOfLocalRoutesThatServesEverySubnetAndCannotBeDeleted() throws Exception {
        RouteTable main = main();
        assertThat(main.getRouteTableId()).matches("rtb-[0-9a-f]{17}");
        assertThat(main.getTenantId()).isEqualTo(tenant.tenantId());
        assertThat(shown(main)).containsExactly("10.0.0.0/16 local " + vpcId + " active");
        assertThat(main.getSubnetIds()).as("no explicit association").isEmpty();
        assertThat(effective(web)).containsExactly("10.0.0.0/16 local " + vpcId + " active");

        assertRefused(409, "DependencyViolation", () -> deleted(main.getRouteTableId()));
        assertThat(tables.getRouteTable(main.getRouteTableId())).isEqualTo(main);
    }

    @Test
    void aSubnetUsesItsExplicitTableThenTheMainOneAgainAndATableInUseCannotBeDeleted() throws Exception {
        RouteTable custom = custom();
        assertThat(custom.getMain()).isFalse();
        tables.createRoute(custom.getRouteTableId(), route("0.0.0.0/0").blackhole(true));

        RouteTableAssociation association = tables.replaceRouteTableAssociation(
                web.getSubnetId(), new RouteTableAssociation().routeTableId(custom.getRouteTableId()));
        assertThat(association.getMain()).isFalse();
        assertThat(association.getSubnetId()).isEqualTo(web.getSubnetId());
        assertThat(tables.getRouteTable(custom.getRouteTableId()).getSubnetIds())
                .containsExactly(web.getSubnetId());
        assertThat(effective(web))
                .containsExactly("10.0.0.0/16 local " + vpcId + " active", "0.0.0.0/0 blackhole blackhole");
        assertThat(effective(app))
                .as("app stays on the main table")
                .containsExactly("10.0.0.0/16 local " + vpcId + " active");

        assertRefused(409, "DependencyViolation", () -> deleted(custom.getRouteTableId()));

        // replacing the association with the main table is the same as disassociating
        RouteTableAssociation back = tables.replaceRouteTableAssociation(
                web.getSubnetId(), new RouteTableAssociation().routeTableId(main().getRouteTableId()));
        assertThat(back.getMain()).isTrue();
        assertThat(effective(web)).containsExactly("10.0.0.0/16 local " + vpcId + " active");

        tables.replaceRouteTableAssociation(
                web.getSubnetId(), new RouteTableAssociation().routeTableId(custom.getRouteTableId()));
        assertThat(tables.disassociateRouteTable(web.getSubnetId()).getRouteTableId())
                .isEqualTo(main().getRouteTableId());
        tables.deleteRouteTable(custom.getRouteTableId());
        assertRefused(404, "InvalidRouteTableID.NotFound", () -> tables.getRouteTable(custom.getRouteTableId()));
    }

    @Test
    void routesAreUniquePerDestinationReplaceableRemovableAndTheLocalRouteIsFixed() throws Exception {
        RouteTable custom = custom();
        String id = custom.getRouteTableId();
        Instance appliance = instance(app);
        RouteTable withRoute = tables.createRoute(id, route("0.0.0.0/0").instanceId(appliance.getInstanceId()));
        assertThat(shown(withRoute))
                .containsExactly(
                        "10.0.0.0/16 local " + vpcId + " active",
                        "0.0.0.0/0 instance " + appliance.getInstanceId() + " active");

        assertRefused(
                409,
                "RouteAlreadyExists",
                () -> tables.createRoute(id, route("0.0.0.0/0").blackhole(true)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> tables.createRoute(id, route("10.0.0.0/16").blackhole(true)));
        assertRefused(400, "InvalidParameterValue", () -> tables.deleteRoute(id, "10.0.0.0/16"));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> tables.replaceRoute(id, route("10.0.0.0/16").instanceId(appliance.getInstanceId())));
        assertRefused(400, "InvalidParameterValue", () -> tables.createRoute(id, route("192.168.0.0/16")));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> tables.createRoute(
                        id, route("192.168.0.0/16").blackhole(true).instanceId(appliance.getInstanceId())));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> tables.createRoute(id, route("192.168.1.1/16").blackhole(true)));
        assertRefused(
                400,
                "MissingParameter",
                () -> tables.createRoute(id, route(null).blackhole(true)));
        assertRefused(404, "InvalidRoute.NotFound", () -> tables.deleteRoute(id, "192.168.0.0/16"));
        assertRefused(
                404,
                "InvalidRoute.NotFound",
                () -> tables.replaceRoute(id, route("192.168.0.0/16").blackhole(true)));
        assertThat(tables.getRouteTable(id)).as("refusals change nothing").isEqualTo(withRoute);

        // a more specific route than the local one is allowed (middlebox routing)
        tables.createRoute(id, route("10.0.1.0/24").instanceId(appliance.getInstanceId()));
        RouteTable replaced = tables.replaceRoute(id, route("0.0.0.0/0").blackhole(true));
        assertThat(shown(replaced))
                .containsExactly(
                        "10.0.0.0/16 local " + vpcId + " active",
                        "0.0.0.0/0 blackhole blackhole",
                        "10.0.1.0/24 instance " + appliance.getInstanceId() + " active");
        assertThat(shown(tables.deleteRoute(id, "10.0.1.0/24")))
                .containsExactly("10.0.0.0/16 local " + vpcId + " active", "0.0.0.0/0 blackhole blackhole");
    }

    @Test
    void aRouteWhoseTargetIsGoneStaysAsABlackhole() throws Exception {
        RouteTable custom = custom();
        Instance appliance = instance(app);
        tables.createRoute(custom.getRouteTableId(), route("0.0.0.0/0").instanceId(appliance.getInstanceId()));
        tenant.instances().terminateInstance(appliance.getInstanceId());
        assertThat(shown(tables.getRouteTable(custom.getRouteTableId())))
                .contains("0.0.0.0/0 instance " + appliance.getInstanceId() + " blackhole");
    }

    @Test
    void targetsMustBeOfTheTablesVpcAndVisible() throws Exception {
        String id = custom().getRouteTableId();
        String otherVpc = tenant.vpc("10.9.0.0/16").getVpcId();
        Instance elsewhere = instance(tenant.subnet(otherVpc, "10.9.1.0/24"));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> tables.createRoute(id, route("0.0.0.0/0").instanceId(elsewhere.getInstanceId())));
        assertRefused(
                404,
                "InvalidInstanceID.NotFound",
                () -> tables.createRoute(id, route("0.0.0.0/0").instanceId("i-0123456789abcdef0")));
        assertRefused(
                404,
                "InvalidNatGatewayID.NotFound",
                () -> tables.createRoute(id, route("0.0.0.0/0").natGatewayId("nat-0123456789abcdef0")));
        assertRefused(
                404,
                "InvalidVpcPeeringConnectionID.NotFound",
                () -> tables.createRoute(id, route("0.0.0.0/0").vpcPeeringConnectionId("pcx-0123456789abcdef0")));

        // another tenant sees none of it: 404, never 403
        RouteTablesApi stranger = new RouteTablesApi(newTenant().api());
        assertRefused(404, "InvalidRouteTableID.NotFound", () -> stranger.getRouteTable(id));
        assertRefused(
                404,
                "InvalidRouteTableID.NotFound",
                () -> stranger.createRoute(id, route("0.0.0.0/0").blackhole(true)));
        assertRefused(404, "InvalidRouteTableID.NotFound", () -> {
            stranger.deleteRouteTable(id);
            return id;
        });
        assertRefused(
                404,
                "InvalidSubnetID.NotFound",
                () -> stranger.replaceRouteTableAssociation(
                        web.getSubnetId(), new RouteTableAssociation().routeTableId(id)));
        assertThat(stranger.listRouteTables(null, null, null).getItems())
                .extracting(RouteTable::getRouteTableId)
                .doesNotContain(id);

        // a table of another VPC cannot serve this subnet
        RouteTable foreign = tables.createRouteTable(new RouteTableCreate().vpcId(otherVpc));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> tables.replaceRouteTableAssociation(
                        web.getSubnetId(), new RouteTableAssociation().routeTableId(foreign.getRouteTableId())));
        assertRefused(
                404,
                "InvalidRouteTableID.NotFound",
                () -> tables.replaceRouteTableAssociation(
                        web.getSubnetId(), new RouteTableAssociation().routeTableId("rtb-0123456789abcdef0")));
    }

    @Test
    void aTableHoldsAtMostFiftyRoutes() throws Exception {
        String id = custom().getRouteTableId();
        for (int i = 0; i < RouteTableService.MAX_ROUTES_PER_TABLE; i++) {
            tables.createRoute(id, route("172.16." + i + ".0/24").blackhole(true));
        }
        assertRefused(
                409,
                "RouteLimitExceeded",
                () -> tables.createRoute(id, route("172.17.0.0/24").blackhole(true)));
        assertThat(tables.getRouteTable(id).getRoutes()).hasSize(1 + RouteTableService.MAX_ROUTES_PER_TABLE);
    }

    @Test
    void theNatAssociationApiWritesTheSubnetsDefaultRouteAndTheEffectiveRoutesNameTheGateway() throws Exception {
        NatGatewaysApi gateways = new NatGatewaysApi(tenant.api());
        String allocationId =
                new EipsApi(tenant.api()).allocateEip(new EipAllocate()).getAllocationId();
        NatGateway nat = gateways.createNatGateway(new NatGatewayCreate()
                .subnetId(web.getSubnetId())
                .allocationId(allocationId)
                .hostId(host));
        String natId = nat.getNatGatewayId();
        gateways.associateNatGatewaySubnet(natId, new NatGatewaySubnetAssociate().subnetId(app.getSubnetId()));

        RouteTableAssociation association = tables.replaceRouteTableAssociation(
                app.getSubnetId(), new RouteTableAssociation().routeTableId(main().getRouteTableId()));
        // the association above moved app back to the main table: the gateway's route goes with it
        assertThat(effective(app)).containsExactly("10.0.0.0/16 local " + vpcId + " active");
        assertThat(association.getMain()).isTrue();
        gateways.disassociateNatGatewaySubnet(natId, app.getSubnetId());

        gateways.associateNatGatewaySubnet(natId, new NatGatewaySubnetAssociate().subnetId(app.getSubnetId()));
        List<String> routes = effective(app);
        assertThat(routes)
                .containsExactly(
                        "10.0.0.0/16 local " + vpcId + " active", "0.0.0.0/0 nat-gateway " + natId + " active");
        assertThat(effective(web))
                .as("the gateway's own subnet keeps the main table")
                .hasSize(1);
        assertThat(tenant.subnets().getSubnet(app.getSubnetId()).getNatGatewayId())
                .isEqualTo(natId);
        // a listing reads each VPC's routes once and names the same gateway, and none for the others
        assertThat(tenant.subnets().listSubnets(vpcId, 1000, null).getItems())
                .extracting(Subnet::getSubnetId, Subnet::getNatGatewayId)
                .contains(tuple(app.getSubnetId(), natId), tuple(web.getSubnetId(), null));
        // users see and can change it: a blackhole replaces it
        String natTable = tenant.subnets().getSubnetRoutes(app.getSubnetId()).getRoutes().stream()
                .map(EffectiveRoute::getRouteTableId)
                .filter(t -> t != null)
                .findFirst()
                .orElseThrow();
        tables.replaceRoute(natTable, route("0.0.0.0/0").blackhole(true));
        assertThat(effective(app)).contains("0.0.0.0/0 blackhole blackhole");
        tables.replaceRoute(natTable, route("0.0.0.0/0").natGatewayId(natId));

        gateways.disassociateNatGatewaySubnet(natId, app.getSubnetId());
        assertThat(effective(app)).containsExactly("10.0.0.0/16 local " + vpcId + " active");
        assertThat(tenant.subnets().getSubnet(app.getSubnetId()).getNatGatewayId())
                .isNull();
    }

    @Test
    void anActivePeeringAddsRoutesToThePeersBlocksOnBothSidesAndDeletingItRemovesThem() throws Exception {
        String peerVpc = tenant.vpc("10.20.0.0/16").getVpcId();
        Subnet peerSubnet = tenant.subnet(peerVpc, "10.20.1.0/24");
        RouteTable custom = custom();
        PeeringsApi peerings = new PeeringsApi(tenant.api());
        Peering peering =
                peerings.createPeering(new PeeringCreate().requesterVpcId(vpcId).accepterVpcId(peerVpc));
        String pcx = peering.getVpcPeeringConnectionId();

        assertThat(effective(web)).contains("10.20.0.0/16 vpc-peering-connection " + pcx + " active");
        assertThat(effective(peerSubnet)).contains("10.0.0.0/16 vpc-peering-connection " + pcx + " active");
        assertThat(shown(tables.getRouteTable(custom.getRouteTableId())))
                .as("every table of the VPC, custom ones included")
                .contains("10.20.0.0/16 vpc-peering-connection " + pcx + " active");

        peerings.deletePeering(pcx);
        assertThat(effective(web)).containsExactly("10.0.0.0/16 local " + vpcId + " active");
        assertThat(effective(peerSubnet)).containsExactly("10.20.0.0/16 local " + peerVpc + " active");
    }

    @Test
    void anInstancesElasticIpIsNotASubnetWideRoute() throws Exception {
        Instance bastion = instance(web);
        EipsApi eips = new EipsApi(tenant.api());
        String allocationId = eips.allocateEip(new EipAllocate()).getAllocationId();
        eips.associateEip(allocationId, new io.vpclab.client.model.EipAssociate().instanceId(bastion.getInstanceId()));
        assertThat(effective(web)).containsExactly("10.0.0.0/16 local " + vpcId + " active");
    }
}
