package io.vpclab.controlplane.routetable;

import io.vpclab.controlplane.natgateway.NatGatewayChanged;
import io.vpclab.controlplane.natgateway.NatGatewaySubnetAssociated;
import io.vpclab.controlplane.peering.PeeringChanged;
import io.vpclab.controlplane.peering.PeeringStatus;
import io.vpclab.controlplane.subnet.RouteContributor.RouteEntry;
import io.vpclab.controlplane.subnet.RouteContributor.Target;
import io.vpclab.controlplane.subnet.Subnet;
import io.vpclab.controlplane.subnet.SubnetDeleting;
import io.vpclab.controlplane.subnet.SubnetService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.controlplane.system.Names;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.vpc.VpcChanged;
import io.vpclab.controlplane.vpc.VpcDeleting;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.net.Ipv4Prefix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Route tables, their routes and each subnet's explicit association. Every change locks the
 * table's VPC first. A subnet's routes are those of its explicitly associated table, else of its
 * VPC's main table; the local route of each VPC block is implicit.
 */
@Service
public class RouteTableService {

    /** AWS's default quota of routes per table (local routes not counted). */
    public static final int MAX_ROUTES_PER_TABLE = 50;

    private static final Caller SYSTEM = Caller.admin();
    private static final int MAX_NAME_LENGTH = 128;

    private final RouteTableRepository tables;
    private final StoredRouteRepository routes;
    private final SubnetRouteTableRepository associations;
    private final VpcService vpcs;
    private final SubnetService subnets;
    private final RouteTargets targets;
    private final ApplicationEventPublisher events;

    RouteTableService(
            RouteTableRepository tables,
            StoredRouteRepository routes,
            SubnetRouteTableRepository associations,
            VpcService vpcs,
            SubnetService subnets,
            RouteTargets targets,
            ApplicationEventPublisher events) {
        this.tables = tables;
        this.routes = routes;
        this.associations = associations;
        this.vpcs = vpcs;
        this.subnets = subnets;
        this.targets = targets;
        this.events = events;
    }

    /** A route as shown: local ones first (one per VPC block), then the stored ones by destination. */
    public record ShownRoute(String destination, Target target, String targetId, boolean active) {}

    public record RouteTableView(RouteTable table, List<ShownRoute> routes, List<String> subnetIds) {}

    /** A subnet's association: its table and whether that is the main table (no explicit association). */
    public record Association(String subnetId, String routeTableId, boolean main) {}

    @Transactional
    public RouteTableView create(Caller caller, String vpcId, String name) {
        if (vpcId == null || vpcId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "vpcId is required");
        }
        Names.requirePrintable("name", name, MAX_NAME_LENGTH);
        VpcService.VpcView vpc = vpcs.lockForMutation(caller, vpcId);
        RouteTable table = tables.saveAndFlush(
                new RouteTable(Ids.newId(Ids.ROUTE_TABLE), vpc.tenantId(), vpcId, name, false, null, Times.now()));
        publish(table, ChangeKind.CREATED);
        return view(table);
    }

    /** Sets or clears (null) the table's name, which EC2 shows as its Name tag. */
    @Transactional
    public RouteTableView rename(Caller caller, String routeTableId, String newName) {
        Names.requirePrintable("name", newName, MAX_NAME_LENGTH);
        RouteTable table = lockVisible(caller, routeTableId);
        table.rename(newName);
        tables.flush();
        publish(table, ChangeKind.UPDATED);
        return view(table);
    }

    @Transactional(readOnly = true)
    public RouteTableView get(Caller caller, String routeTableId) {
        return view(visible(caller, routeTableId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<RouteTableView> list(Caller caller, String vpcId, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                        tables.page(caller.tenantScope(), vpcId, page.afterId(), Limit.of(page.fetchSize())),
                        RouteTable::id)
                .map(this::view);
    }

    @Transactional
    public void delete(Caller caller, String routeTableId) {
        RouteTable table = lockVisible(caller, routeTableId);
        if (table.isMain()) {
            throw ApiException.dependencyViolation("route table " + routeTableId + " is the main route table of VPC "
                    + table.vpcId() + " and cannot be deleted");
        }
        if (associations.existsByRouteTableId(routeTableId)) {
            throw ApiException.dependencyViolation("route table " + routeTableId + " is associated with subnets");
        }
        remove(table);
        publish(table, ChangeKind.DELETED);
    }

    /** CreateRoute. */
    @Transactional
    public RouteTableView addRoute(Caller caller, String routeTableId, RouteRequest request) {
        RouteTable table = lockVisible(caller, routeTableId);
        Ipv4Prefix destination = destination(table, request);
        Target target = request.target();
        targets.requireUsable(caller, table.vpcId(), target, request.targetId());
        requireRouteShape(destination, target);
        if (routes.existsById(StoredRoute.key(routeTableId, destination.toString()))) {
            throw ApiException.conflict(
                    "RouteAlreadyExists",
                    "route table " + routeTableId + " already has a route to " + destination
                            + " (ReplaceRoute changes its target)");
        }
        if (routes.countByRouteTableId(routeTableId) >= MAX_ROUTES_PER_TABLE) {
            throw ApiException.conflict(
                    "RouteLimitExceeded", "a route table holds at most " + MAX_ROUTES_PER_TABLE + " routes");
        }
        routes.saveAndFlush(
                new StoredRoute(routeTableId, destination.toString(), target, request.targetId(), Times.now()));
        publish(table, ChangeKind.UPDATED);
        return view(table);
    }

    /** ReplaceRoute: the route to the destination now leads to the request's target. */
    @Transactional
    public RouteTableView replaceRoute(Caller caller, String routeTableId, RouteRequest request) {
        RouteTable table = lockVisible(caller, routeTableId);
        Ipv4Prefix destination = destination(table, request);
        Target target = request.target();
        targets.requireUsable(caller, table.vpcId(), target, request.targetId());
        requireRouteShape(destination, target);
        StoredRoute route = routes.findById(StoredRoute.key(routeTableId, destination.toString()))
                .orElseThrow(() -> routeNotFound(routeTableId, destination));
        route.pointAt(target, request.targetId());
        routes.flush();
        publish(table, ChangeKind.UPDATED);
        return view(table);
    }

    /** DeleteRoute. */
    @Transactional
    public RouteTableView removeRoute(Caller caller, String routeTableId, String destinationText) {
        RouteTable table = lockVisible(caller, routeTableId);
        Ipv4Prefix destination = destination(table, destinationText);
        StoredRoute route = routes.findById(StoredRoute.key(routeTableId, destination.toString()))
                .orElseThrow(() -> routeNotFound(routeTableId, destination));
        routes.delete(route);
        routes.flush();
        publish(table, ChangeKind.UPDATED);
        return view(table);
    }

    /** AssociateRouteTable / ReplaceRouteTableAssociation; naming the main table drops the explicit association. */
    @Transactional
    public Association associate(Caller caller, String subnetId, String routeTableId) {
        Subnet subnet = subnets.get(caller, subnetId);
        vpcs.lockForMutation(caller, subnet.vpcId());
        if (routeTableId == null || routeTableId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "routeTableId is required");
        }
        RouteTable table = visible(caller, routeTableId);
        if (!table.vpcId().equals(subnet.vpcId())) {
            throw ApiException.invalidParameter(
                    "route table " + routeTableId + " belongs to VPC " + table.vpcId() + ", not to " + subnet.vpcId());
        }
        setAssociation(subnetId, table);
        publish(table, ChangeKind.UPDATED);
        return association(subnet);
    }

    /** DisassociateRouteTable: the subnet uses its VPC's main table again. */
    @Transactional
    public Association disassociate(Caller caller, String subnetId) {
        Subnet subnet = subnets.get(caller, subnetId);
        vpcs.lockForMutation(caller, subnet.vpcId());
        associations.findById(subnetId).ifPresent(association -> {
            associations.delete(association);
            associations.flush();
            tables.findById(association.routeTableId()).ifPresent(table -> publish(table, ChangeKind.UPDATED));
        });
        return association(subnet);
    }

    @Transactional(readOnly = true)
    public Association association(Caller caller, String subnetId) {
        return association(subnets.get(caller, subnetId));
    }

    /**
     * The stored routes of the subnet's table, each with its state (for the effective routes and
     * the compiler); local routes are the caller's to add.
     */
    @Transactional(readOnly = true)
    public List<RouteEntry> routesOf(Subnet subnet) {
        Optional<RouteTable> table = tableOf(subnet.id(), subnet.vpcId());
        if (table.isEmpty()) {
            return List.of();
        }
        List<StoredRoute> stored =
                routes.findByRouteTableIdOrderByDestination(table.get().id());
        if (stored.isEmpty()) {
            return List.of(); // the common case needs no look at the targets
        }
        Set<String> live = targets.live(subnet.vpcId());
        return stored.stream()
                .map(r -> new RouteEntry(
                        r.destination(),
                        r.targetType(),
                        r.targetId(),
                        isActive(r, live),
                        table.get().id()))
                .toList();
    }

    /**
     * {@link #routesOf} for every subnet of a VPC at once, by subnet ID (for the compiler, which
     * reloads a whole VPC after each change): the VPC's tables, associations and live targets are
     * read once, not once per subnet.
     */
    @Transactional(readOnly = true)
    public Map<String, List<RouteEntry>> routesOfVpc(String vpcId, List<String> subnetIds) {
        List<RouteTable> ofVpc = tables.findByVpcIdOrderById(vpcId);
        if (ofVpc.isEmpty()) {
            return Map.of();
        }
        Map<String, List<StoredRoute>> stored = new HashMap<>();
        String mainId = null;
        for (RouteTable table : ofVpc) {
            mainId = table.isMain() ? table.id() : mainId;
            stored.put(table.id(), routes.findByRouteTableIdOrderByDestination(table.id()));
        }
        Set<String> live = stored.values().stream().allMatch(List::isEmpty) ? Set.of() : targets.live(vpcId);
        Map<String, List<RouteEntry>> byTable = new HashMap<>();
        stored.forEach((tableId, ofTable) -> byTable.put(
                tableId,
                ofTable.stream()
                        .map(r -> new RouteEntry(
                                r.destination(), r.targetType(), r.targetId(), isActive(r, live), tableId))
                        .toList()));
        Map<String, String> tableOfSubnet = new HashMap<>();
        associations
                .findByRouteTableIdIn(byTable.keySet())
                .forEach(a -> tableOfSubnet.put(a.subnetId(), a.routeTableId()));
        Map<String, List<RouteEntry>> bySubnet = new HashMap<>();
        for (String subnetId : subnetIds) {
            String tableId = tableOfSubnet.getOrDefault(subnetId, mainId);
            bySubnet.put(subnetId, tableId == null ? List.of() : byTable.get(tableId));
        }
        return bySubnet;
    }

    private void setAssociation(String subnetId, RouteTable table) {
        if (table.isMain()) {
            associations.findById(subnetId).ifPresent(associations::delete);
        } else {
            associations
                    .findById(subnetId)
                    .ifPresentOrElse(
                            association -> association.replaceWith(table.id()),
                            () -> associations.save(new SubnetRouteTable(subnetId, table.id())));
        }
        associations.flush();
    }

    private Association association(Subnet subnet) {
        RouteTable table = tableOf(subnet.id(), subnet.vpcId())
                .orElseThrow(() -> notFound("main route table of " + subnet.vpcId()));
        return new Association(subnet.id(), table.id(), table.isMain());
    }

    private Optional<RouteTable> tableOf(String subnetId, String vpcId) {
        return associations
                .findById(subnetId)
                .flatMap(association -> tables.findById(association.routeTableId()))
                .or(() -> tables.findByVpcIdAndMainTrue(vpcId));
    }

    /** Each VPC gets its main table, with only the local routes, as in AWS. */
    @EventListener
    void createMainTable(VpcChanged changed) {
        if (changed.kind() != ChangeKind.CREATED) {
            return;
        }
        RouteTable table = tables.saveAndFlush(new RouteTable(
                Ids.newId(Ids.ROUTE_TABLE), changed.tenantId(), changed.vpcId(), null, true, null, Times.now()));
        publish(table, ChangeKind.CREATED);
    }

    @EventListener
    void forgetDeletedSubnet(SubnetDeleting deleting) {
        associations.findById(deleting.subnetId()).ifPresent(association -> {
            associations.delete(association);
            associations.flush();
        });
    }

    /** A VPC goes with its tables (its subnets, and so their associations, are gone by then). */
    @EventListener
    void deleteTablesWithVpc(VpcDeleting deleting) {
        for (RouteTable table : tables.findByVpcIdOrderById(deleting.vpcId())) {
            if (associations.existsByRouteTableId(table.id())) {
                throw ApiException.dependencyViolation("VPC " + deleting.vpcId() + " still has subnets");
            }
            remove(table);
        }
    }

    /**
     * Today's semantics of a peering: while active, every subnet on both sides routes the peer's
     * blocks to it. Activation adds those routes to every table of both VPCs (a destination a
     * table already routes keeps its route); deletion or rejection removes the routes to it.
     */
    @EventListener
    void followPeering(PeeringChanged changed) {
        if (changed.kind() == ChangeKind.DELETED || changed.status() != PeeringStatus.ACTIVE) {
            for (StoredRoute route :
                    routes.findByTargetTypeAndTargetId(Target.VPC_PEERING_CONNECTION, changed.peeringId())) {
                routes.delete(route);
                tables.findById(route.routeTableId()).ifPresent(table -> publish(table, ChangeKind.UPDATED));
            }
            routes.flush();
            return;
        }
        addPeeringRoutes(changed.peeringId(), changed.requesterVpcId(), changed.accepterVpcId());
        addPeeringRoutes(changed.peeringId(), changed.accepterVpcId(), changed.requesterVpcId());
    }

    private void addPeeringRoutes(String peeringId, String vpcId, String peerVpcId) {
        List<Ipv4Prefix> peerBlocks = vpcs.get(SYSTEM, peerVpcId).cidrs();
        for (RouteTable table : tables.findByVpcIdOrderById(vpcId)) {
            for (Ipv4Prefix block : peerBlocks) {
                String key = StoredRoute.key(table.id(), block.toString());
                if (!routes.existsById(key)) {
                    routes.save(new StoredRoute(
                            table.id(), block.toString(), Target.VPC_PEERING_CONNECTION, peeringId, Times.now()));
                }
            }
            publish(table, ChangeKind.UPDATED);
        }
        routes.flush();
    }

    /**
     * The NAT gateway subnet-association API keeps its meaning: the subnet's 0.0.0.0/0 goes to the
     * gateway. A subnet on the main table moves to the gateway's own table (made on first use, with
     * the main table's routes and 0.0.0.0/0 to the gateway), so other subnets keep their routes; a
     * subnet with its own table gets 0.0.0.0/0 there. Disassociation undoes either.
     */
    @EventListener
    void followNatAssociation(NatGatewaySubnetAssociated event) {
        RouteTable current = tableOf(event.subnetId(), event.vpcId())
                .orElseThrow(() -> notFound("main route table of " + event.vpcId()));
        if (event.associated()) {
            if (current.isMain()) {
                setAssociation(event.subnetId(), natTable(event, current));
            } else {
                routeDefaultTo(current, event.natGatewayId());
            }
            publish(current, ChangeKind.UPDATED);
            return;
        }
        if (event.natGatewayId().equals(current.natGatewayId())) {
            associations.findById(event.subnetId()).ifPresent(associations::delete);
            associations.flush();
        } else {
            routes.findById(StoredRoute.key(current.id(), DEFAULT))
                    .filter(route -> event.natGatewayId().equals(route.targetId()))
                    .ifPresent(routes::delete);
            routes.flush();
        }
        publish(current, ChangeKind.UPDATED);
    }

    /** The table the association API made for a gateway goes with it; routes users wrote to it turn blackhole. */
    @EventListener
    void dropNatTable(NatGatewayChanged changed) {
        if (changed.kind() != ChangeKind.DELETED) {
            return;
        }
        tables.findFirstByNatGatewayId(changed.natGatewayId()).ifPresent(table -> {
            associations.findByRouteTableIdOrderBySubnetId(table.id()).forEach(associations::delete);
            associations.flush();
            remove(table);
            publish(table, ChangeKind.DELETED);
        });
    }

    private static final String DEFAULT = "0.0.0.0/0";

    private RouteTable natTable(NatGatewaySubnetAssociated event, RouteTable main) {
        return tables.findFirstByNatGatewayId(event.natGatewayId()).orElseGet(() -> {
            RouteTable made = tables.saveAndFlush(new RouteTable(
                    Ids.newId(Ids.ROUTE_TABLE),
                    event.tenantId(),
                    event.vpcId(),
                    null,
                    false,
                    event.natGatewayId(),
                    Times.now()));
            for (StoredRoute route : routes.findByRouteTableIdOrderByDestination(main.id())) {
                routes.save(new StoredRoute(
                        made.id(), route.destination(), route.targetType(), route.targetId(), Times.now()));
            }
            routes.flush();
            routeDefaultTo(made, event.natGatewayId());
            publish(made, ChangeKind.CREATED);
            return made;
        });
    }

    private void routeDefaultTo(RouteTable table, String natGatewayId) {
        routes.findById(StoredRoute.key(table.id(), DEFAULT))
                .ifPresentOrElse(
                        route -> route.pointAt(Target.NAT_GATEWAY, natGatewayId),
                        () -> routes.save(
                                new StoredRoute(table.id(), DEFAULT, Target.NAT_GATEWAY, natGatewayId, Times.now())));
        routes.flush();
    }

    /**
     * The destination of a request, canonical; the local route of a VPC block cannot be added,
     * replaced or removed (InvalidParameterValue, as in AWS).
     */
    private Ipv4Prefix destination(RouteTable table, RouteRequest request) {
        return destination(table, request.destinationCidrBlock());
    }

    private Ipv4Prefix destination(RouteTable table, String text) {
        Ipv4Prefix destination = Ipv4Parameters.prefix(text, "destinationCidrBlock");
        if (!destination.toString().equals(text)) {
            throw ApiException.invalidParameter(
                    "destinationCidrBlock '" + text + "' has host bits set; the block is " + destination);
        }
        if (vpcs.get(SYSTEM, table.vpcId()).cidrs().contains(destination)) {
            throw ApiException.invalidParameter(
                    "the local route to " + destination + " of VPC " + table.vpcId() + " cannot be changed");
        }
        return destination;
    }

    /**
     * The data plane sends a subnet's traffic that no other route matches to its NAT gateway (its
     * default route), so a NAT gateway route must be 0.0.0.0/0 here.
     */
    private static void requireRouteShape(Ipv4Prefix destination, Target target) {
        if (target == Target.NAT_GATEWAY && destination.length() != 0) {
            throw ApiException.invalidParameter("a route to a NAT gateway must be 0.0.0.0/0 in VPC Lab, got "
                    + destination + " (the gateway is the subnet's default route)");
        }
    }

    private boolean isActive(StoredRoute route, Set<String> live) {
        return switch (route.targetType()) {
            case BLACKHOLE -> false;
            case LOCAL, INTERNET_GATEWAY -> true;
            default -> live.contains(route.targetId());
        };
    }

    private RouteTable visible(Caller caller, String routeTableId) {
        caller.requireAdminOrTenant();
        return tables.findById(routeTableId == null ? "" : routeTableId)
                .filter(t -> caller.canSee(t.tenantId()))
                .orElseThrow(() -> notFound(routeTableId));
    }

    private RouteTable lockVisible(Caller caller, String routeTableId) {
        RouteTable table = visible(caller, routeTableId);
        vpcs.lockForMutation(caller, table.vpcId());
        return tables.findById(routeTableId).orElseThrow(() -> notFound(routeTableId));
    }

    private RouteTableView view(RouteTable table) {
        List<ShownRoute> shown = new ArrayList<>();
        for (Ipv4Prefix block : vpcs.get(SYSTEM, table.vpcId()).cidrs()) {
            shown.add(new ShownRoute(block.toString(), Target.LOCAL, table.vpcId(), true));
        }
        Set<String> live = targets.live(table.vpcId());
        for (StoredRoute route : routes.findByRouteTableIdOrderByDestination(table.id())) {
            shown.add(new ShownRoute(route.destination(), route.targetType(), route.targetId(), isActive(route, live)));
        }
        return new RouteTableView(
                table,
                shown,
                associations.findByRouteTableIdOrderBySubnetId(table.id()).stream()
                        .map(SubnetRouteTable::subnetId)
                        .toList());
    }

    private void remove(RouteTable table) {
        routes.deleteByRouteTableId(table.id());
        routes.flush();
        tables.delete(table);
        tables.flush();
    }

    private void publish(RouteTable table, ChangeKind kind) {
        events.publishEvent(new RouteTableChanged(table.id(), table.vpcId(), table.tenantId(), kind));
    }

    private static ApiException routeNotFound(String routeTableId, Ipv4Prefix destination) {
        return ApiException.notFound(
                "InvalidRoute.NotFound", "route table " + routeTableId + " has no route to " + destination);
    }

    static ApiException notFound(String routeTableId) {
        return ApiException.notFound("InvalidRouteTableID.NotFound", "route table " + routeTableId + " does not exist");
    }
}
