package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.routetable.RouteRequest;
import io.vpclab.controlplane.routetable.RouteTableService;
import io.vpclab.controlplane.routetable.RouteTableService.RouteTableView;
import io.vpclab.controlplane.routetable.RouteTableService.ShownRoute;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.PageRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * CreateRouteTable, DeleteRouteTable, CreateRoute, ReplaceRoute, DeleteRoute,
 * AssociateRouteTable, DisassociateRouteTable and DescribeRouteTables on {@link RouteTableService}.
 * A route's {@code GatewayId} names a VPN gateway ({@code vgw-}): VPC Lab has no internet gateway
 * resource.
 */
@Component
class RouteTableActions implements Ec2Action.Group {

    private static final Map<String, Function<RouteTableView, List<String>>> FILTERS = Map.of(
            "route-table-id", v -> List.of(v.table().id()),
            "vpc-id", v -> List.of(v.table().vpcId()),
            "owner-id", v -> List.of(v.table().tenantId()),
            "association.main", v -> List.of(String.valueOf(v.table().isMain())),
            "association.subnet-id", RouteTableView::subnetIds,
            "association.route-table-association-id",
                    v -> v.subnetIds().stream()
                            .map(s -> SubnetAssociations.id(SubnetAssociations.ROUTE_TABLE, s))
                            .toList());

    private final RouteTableService tables;
    private final Tags tags;

    RouteTableActions(RouteTableService tables, Tags tags) {
        this.tables = tables;
        this.tags = tags;
    }

    @Override
    public Map<String, Ec2Action> actions() {
        return Map.of(
                "CreateRouteTable", this::create,
                "DeleteRouteTable", this::delete,
                "CreateRoute", this::createRoute,
                "ReplaceRoute", this::replaceRoute,
                "DeleteRoute", this::deleteRoute,
                "AssociateRouteTable", this::associate,
                "DisassociateRouteTable", this::disassociate,
                "DescribeRouteTables", this::describe);
    }

    private void create(Caller caller, Ec2Query query, Ec2Xml response) {
        RouteTableView view = tables.create(caller, query.required("VpcId"), Tags.name(query));
        tags.tagNew(view.table().tenantId(), view.table().id(), query);
        write(response.open("routeTable"), view).close();
    }

    private void delete(Caller caller, Ec2Query query, Ec2Xml response) {
        tables.delete(caller, query.required("RouteTableId"));
        response.field("return", true);
    }

    private void createRoute(Caller caller, Ec2Query query, Ec2Xml response) {
        tables.addRoute(caller, query.required("RouteTableId"), route(query));
        response.field("return", true);
    }

    private void replaceRoute(Caller caller, Ec2Query query, Ec2Xml response) {
        tables.replaceRoute(caller, query.required("RouteTableId"), route(query));
        response.field("return", true);
    }

    private void deleteRoute(Caller caller, Ec2Query query, Ec2Xml response) {
        tables.removeRoute(caller, query.required("RouteTableId"), query.required("DestinationCidrBlock"));
        response.field("return", true);
    }

    private void associate(Caller caller, Ec2Query query, Ec2Xml response) {
        RouteTableService.Association association =
                tables.associate(caller, query.required("SubnetId"), query.required("RouteTableId"));
        response.field("associationId", SubnetAssociations.id(SubnetAssociations.ROUTE_TABLE, association.subnetId()))
                .open("associationState")
                .field("state", "associated")
                .close();
    }

    private void disassociate(Caller caller, Ec2Query query, Ec2Xml response) {
        String subnetId = SubnetAssociations.subnetId(SubnetAssociations.ROUTE_TABLE, query.required("AssociationId"));
        if (tables.association(caller, subnetId).main()) {
            throw new Ec2Exception(
                    400,
                    "InvalidAssociationID.NotFound",
                    "subnet " + subnetId + " uses its VPC's main route table: there is no association to remove");
        }
        tables.disassociate(caller, subnetId);
        response.field("return", true);
    }

    private void describe(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("RouteTableId");
        Predicate<RouteTableView> matches = tags.filterMany(
                query.filters(), FILTERS, v -> v.table().id(), v -> v.table().name());
        PageRequest.Page<RouteTableView> page = ids.isEmpty()
                ? Ec2Pages.collect(
                        request -> tables.list(caller, null, request),
                        matches,
                        v -> v.table().id(),
                        query.maxResults(),
                        query.nextToken())
                : new PageRequest.Page<>(
                        ids.stream()
                                .map(id -> tables.get(caller, id))
                                .filter(matches)
                                .toList(),
                        null);
        response.open("routeTableSet");
        for (RouteTableView view : page.items()) {
            write(response.open("item"), view).close();
        }
        response.close().field("nextToken", page.nextToken());
    }

    private static RouteRequest route(Ec2Query query) {
        String gatewayId = query.string("GatewayId").orElse(null);
        if (gatewayId != null && !gatewayId.startsWith(Ids.VPN_GATEWAY + "-")) {
            throw Ec2Exception.badRequest(
                    "InvalidGatewayID.NotFound",
                    "gateway " + Ec2Query.abbreviated(gatewayId)
                            + " is not a VPN gateway (vgw-); VPC Lab has no internet gateways");
        }
        return new RouteRequest(
                query.required("DestinationCidrBlock"),
                query.string("NatGatewayId").orElse(null),
                query.string("VpcPeeringConnectionId").orElse(null),
                gatewayId,
                query.string("InstanceId").orElse(null),
                null);
    }

    private Ec2Xml write(Ec2Xml xml, RouteTableView view) {
        xml.field("routeTableId", view.table().id())
                .field("vpcId", view.table().vpcId())
                .field("ownerId", view.table().tenantId())
                .open("routeSet");
        for (ShownRoute route : view.routes()) {
            writeRoute(xml.open("item"), route).close();
        }
        xml.close().open("associationSet");
        if (view.table().isMain()) {
            xml.open("item")
                    .field(
                            "routeTableAssociationId",
                            SubnetAssociations.id(
                                    SubnetAssociations.ROUTE_TABLE, view.table().id()))
                    .field("routeTableId", view.table().id())
                    .field("main", true)
                    .open("associationState")
                    .field("state", "associated")
                    .close()
                    .close();
        }
        for (String subnetId : view.subnetIds()) {
            xml.open("item")
                    .field("routeTableAssociationId", SubnetAssociations.id(SubnetAssociations.ROUTE_TABLE, subnetId))
                    .field("routeTableId", view.table().id())
                    .field("subnetId", subnetId)
                    .field("main", false)
                    .open("associationState")
                    .field("state", "associated")
                    .close()
                    .close();
        }
        xml.close().open("propagatingVgwSet").close();
        return tags.write(xml, view.table().id(), view.table().name());
    }

    private static Ec2Xml writeRoute(Ec2Xml xml, ShownRoute route) {
        xml.field("destinationCidrBlock", route.destination());
        switch (route.target()) {
            case LOCAL -> xml.field("gatewayId", "local");
            case NAT_GATEWAY -> xml.field("natGatewayId", route.targetId());
            case VPC_PEERING_CONNECTION -> xml.field("vpcPeeringConnectionId", route.targetId());
            case INTERNET_GATEWAY, VPN_GATEWAY -> xml.field("gatewayId", route.targetId());
            case INSTANCE -> xml.field("instanceId", route.targetId());
            case BLACKHOLE -> {}
        }
        return xml.field("state", route.active() ? "active" : "blackhole")
                .field(
                        "origin",
                        route.target() == io.vpclab.controlplane.subnet.RouteContributor.Target.LOCAL
                                ? "CreateRouteTable"
                                : "CreateRoute");
    }
}
