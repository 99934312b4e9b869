package io.vpclab.topology.apply;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.RouteTablesApi;
import io.vpclab.client.model.RouteTable;
import io.vpclab.client.model.RouteTableAssociation;
import io.vpclab.client.model.RouteTableCreate;
import io.vpclab.client.model.RouteTableRoute;
import io.vpclab.client.model.RouteTableRouteCreate;
import io.vpclab.client.model.RouteTargetType;
import io.vpclab.client.model.TopologyChangeAction;
import io.vpclab.topology.Topology.RouteTableDecl;
import io.vpclab.topology.Topology.TableRouteDecl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A VPC's custom route tables, found by name: created when missing, their routes brought to what
 * the file says (added, re-pointed, removed; local routes are the server's), and the file's
 * subnets associated with them. Runs after the VPC's instances and NAT gateways exist.
 */
final class RouteTableReconciler {

    private final RouteTablesApi tables;
    private final ChangeLog log;
    private final Applied applied;

    RouteTableReconciler(ApiClient api, ChangeLog log, Applied applied) {
        this.tables = new RouteTablesApi(api);
        this.log = log;
        this.applied = applied;
    }

    void routeTable(String vpcPath, RouteTableDecl decl) throws ApiException {
        String vpcId = applied.vpcIds.get(vpcPath);
        String path = vpcPath + "/" + decl.name();
        List<RouteTable> all = Pages.all(
                t -> tables.listRouteTables(vpcId, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        RouteTable table = all.stream()
                .filter(t -> decl.name().equals(t.getName()))
                .findFirst()
                .orElse(null);
        if (table == null) {
            table = tables.createRouteTable(new RouteTableCreate().vpcId(vpcId).name(decl.name()));
            String id = table.getRouteTableId();
            log.created("routeTable", path, id, () -> tables.deleteRouteTable(id));
        } else {
            log.unchanged();
        }
        applied.routeTableIds.put(path, table.getRouteTableId());
        syncRoutes(table, decl, path);
        for (String subnet : decl.subnets()) {
            String subnetId = applied.subnetIds.get(vpcPath + "/" + subnet);
            if (!table.getSubnetIds().contains(subnetId)) {
                tables.replaceRouteTableAssociation(
                        subnetId, new RouteTableAssociation().routeTableId(table.getRouteTableId()));
                log.created(
                        "routeTableAssociation",
                        path + " -> " + subnet,
                        subnetId,
                        () -> tables.disassociateRouteTable(subnetId));
            }
        }
    }

    private void syncRoutes(RouteTable table, RouteTableDecl decl, String path) throws ApiException {
        String id = table.getRouteTableId();
        Map<String, RouteTableRoute> present = new HashMap<>();
        for (RouteTableRoute route : table.getRoutes()) {
            if (route.getTargetType() != RouteTargetType.LOCAL) {
                present.put(route.getDestinationCidrBlock(), route);
            }
        }
        for (TableRouteDecl route : decl.routes()) {
            RouteTableRouteCreate wanted = create(route);
            RouteTableRoute existing = present.remove(route.destination());
            if (existing == null) {
                tables.createRoute(id, wanted);
                log.created(
                        "route",
                        path + " " + route.destination(),
                        id,
                        () -> tables.deleteRoute(id, route.destination()));
            } else if (!sameTarget(existing, wanted)) {
                tables.replaceRoute(id, wanted);
                log.changed(TopologyChangeAction.UPDATED, "route", path + " " + route.destination(), id, "re-pointed");
            } else {
                log.unchanged();
            }
        }
        for (String destination : present.keySet()) {
            tables.deleteRoute(id, destination);
            log.changed(TopologyChangeAction.UPDATED, "routeTable", path, id, "route to " + destination + " removed");
        }
    }

    private RouteTableRouteCreate create(TableRouteDecl route) {
        RouteTableRouteCreate create = new RouteTableRouteCreate().destinationCidrBlock(route.destination());
        if (route.natGateway() != null) {
            create.natGatewayId(applied.natGatewayIds.get(route.natGateway()));
        } else if (route.instance() != null) {
            create.instanceId(applied.instances.get(route.instance()).getInstanceId());
        } else {
            create.blackhole(true);
        }
        return create;
    }

    private static boolean sameTarget(RouteTableRoute existing, RouteTableRouteCreate wanted) {
        return switch (existing.getTargetType()) {
            case NAT_GATEWAY -> Objects.equals(existing.getTargetId(), wanted.getNatGatewayId());
            case INSTANCE -> Objects.equals(existing.getTargetId(), wanted.getInstanceId());
            case BLACKHOLE -> Boolean.TRUE.equals(wanted.getBlackhole());
            default -> false;
        };
    }
}
