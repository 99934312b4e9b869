package io.vpclab.controlplane.routetable;

import io.vpclab.api.RouteTablesApi;
import io.vpclab.api.model.RouteState;
import io.vpclab.api.model.RouteTableAssociation;
import io.vpclab.api.model.RouteTableCreate;
import io.vpclab.api.model.RouteTableList;
import io.vpclab.api.model.RouteTableRoute;
import io.vpclab.api.model.RouteTableRouteCreate;
import io.vpclab.api.model.RouteTargetType;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class RouteTableController implements RouteTablesApi {

    private final RouteTableService tables;

    RouteTableController(RouteTableService tables) {
        this.tables = tables;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.RouteTable> createRouteTable(RouteTableCreate body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(tables.create(Callers.current(), body.getVpcId(), body.getName())));
    }

    @Override
    public ResponseEntity<RouteTableList> listRouteTables(String vpcId, Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.RouteTable> page = tables.list(
                        Callers.current(), vpcId, PageRequest.of(maxResults, nextToken))
                .map(RouteTableController::toDto);
        return ResponseEntity.ok(new RouteTableList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.RouteTable> getRouteTable(String routeTableId) {
        return ResponseEntity.ok(toDto(tables.get(Callers.current(), routeTableId)));
    }

    @Override
    public ResponseEntity<Void> deleteRouteTable(String routeTableId) {
        tables.delete(Callers.current(), routeTableId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.RouteTable> createRoute(String routeTableId, RouteTableRouteCreate body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(tables.addRoute(Callers.current(), routeTableId, request(body))));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.RouteTable> replaceRoute(
            String routeTableId, RouteTableRouteCreate body) {
        return ResponseEntity.ok(toDto(tables.replaceRoute(Callers.current(), routeTableId, request(body))));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.RouteTable> deleteRoute(
            String routeTableId, String destinationCidrBlock) {
        return ResponseEntity.ok(toDto(tables.removeRoute(Callers.current(), routeTableId, destinationCidrBlock)));
    }

    @Override
    public ResponseEntity<RouteTableAssociation> replaceRouteTableAssociation(
            String subnetId, RouteTableAssociation body) {
        return ResponseEntity.ok(toDto(tables.associate(Callers.current(), subnetId, body.getRouteTableId())));
    }

    @Override
    public ResponseEntity<RouteTableAssociation> disassociateRouteTable(String subnetId) {
        return ResponseEntity.ok(toDto(tables.disassociate(Callers.current(), subnetId)));
    }

    private static RouteRequest request(RouteTableRouteCreate body) {
        return new RouteRequest(
                body.getDestinationCidrBlock(),
                body.getNatGatewayId(),
                body.getVpcPeeringConnectionId(),
                body.getVpnGatewayId(),
                body.getInstanceId(),
                body.getBlackhole());
    }

    private static RouteTableAssociation toDto(RouteTableService.Association association) {
        return new RouteTableAssociation(association.routeTableId())
                .subnetId(association.subnetId())
                .main(association.main());
    }

    private static io.vpclab.api.model.RouteTable toDto(RouteTableService.RouteTableView view) {
        RouteTable table = view.table();
        return new io.vpclab.api.model.RouteTable(
                        table.id(),
                        table.tenantId(),
                        table.vpcId(),
                        table.isMain(),
                        view.routes().stream().map(RouteTableController::toDto).toList(),
                        view.subnetIds(),
                        Times.utc(table.createdAt()))
                .name(table.name());
    }

    private static RouteTableRoute toDto(RouteTableService.ShownRoute route) {
        return new RouteTableRoute(
                        route.destination(),
                        RouteTargetType.fromValue(
                                route.target().name().toLowerCase().replace('_', '-')),
                        route.active() ? RouteState.ACTIVE : RouteState.BLACKHOLE)
                .targetId(route.targetId());
    }
}
