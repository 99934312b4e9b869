package io.vpclab.controlplane.compiler;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Route;
import io.vpclab.client.model.Router;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.SegmentTableRoute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One distributed router per VPC with a local port. Its routes reach the VPC's own subnets and
 * the subnets of its active peers, and nothing further: peering is not transitive. A peer VPC
 * without a local port comes as a router without routes: only its MAC, the source of the frames
 * it routes into this host's subnets. The routes of each subnet's route table that the router
 * does not carry (to an appliance instance, blackholes) go on the subnet's segment, for packets
 * routed from it.
 */
final class RouteCompiler {

    private RouteCompiler() {}

    static void compile(HostScope scope, ForwardingTable table) {
        NetworkSnapshot snapshot = scope.snapshot();
        Set<String> remotePeers = new TreeSet<>();
        Map<String, Segment> segmentsBySubnet = new HashMap<>();
        for (Segment segment : table.getSegments() == null ? List.<Segment>of() : table.getSegments()) {
            if (segment.getSubnetId() != null) {
                segmentsBySubnet.put(segment.getSubnetId(), segment);
            }
        }
        for (String vpcId : scope.localVpcs()) {
            VpcNode vpc = snapshot.vpcs().get(vpcId);
            List<Route> routes = new ArrayList<>();
            addSubnetRoutes(vpc, routes);
            for (String peerId : new TreeSet<>(snapshot.peersOf(vpcId))) {
                VpcNode peer = snapshot.vpcs().get(peerId);
                if (peer != null) {
                    addSubnetRoutes(peer, routes);
                    if (!scope.localVpcs().contains(peerId)) {
                        remotePeers.add(peerId);
                    }
                }
            }
            table.addRoutersItem(new Router().id(vpc.id()).mac(vpc.routerMac()).routes(routes));
            addTableRoutes(vpc, segmentsBySubnet);
        }
        // a peer's router routes nothing here, but frames it routed elsewhere into our subnets
        // arrive from its MAC: the agent admits router MACs the table names, and refuses others
        for (String peerId : remotePeers) {
            table.addRoutersItem(new Router()
                    .id(peerId)
                    .mac(snapshot.vpcs().get(peerId).routerMac())
                    .routes(List.of()));
        }
    }

    private static void addSubnetRoutes(VpcNode vpc, List<Route> routes) {
        for (SubnetNode subnet : vpc.subnets()) {
            routes.add(new Route().destination(subnet.cidrBlock()).vni(subnet.vni()));
        }
    }

    /**
     * The routes of each subnet's table that the VPC router does not carry, on the subnet's segment:
     * to an appliance (its segment and address; the router forwards to its MAC) or a blackhole. An
     * appliance whose segment is not in this table (it cannot be: a VPC's hosts hold all its
     * segments) or that is gone drops as a blackhole rather than fall through to a wider route.
     */
    private static void addTableRoutes(VpcNode vpc, Map<String, Segment> segmentsBySubnet) {
        Map<String, InstanceNode> instances = new HashMap<>();
        vpc.instances().forEach(instance -> instances.put(instance.id(), instance));
        for (SubnetNode subnet : vpc.subnets()) {
            Segment from = segmentsBySubnet.get(subnet.id());
            if (from == null || from.getRouterId() == null) {
                continue;
            }
            for (SubnetNode.TableRoute route : subnet.tableRoutes()) {
                InstanceNode appliance = route.instanceId() == null ? null : instances.get(route.instanceId());
                Segment via = appliance == null ? null : segmentsBySubnet.get(appliance.subnetId());
                SegmentTableRoute compiled = new SegmentTableRoute().destination(route.destination());
                if (via != null) {
                    compiled.vni(via.getVni()).nextHop(appliance.privateIp());
                }
                from.addRoutesItem(compiled);
            }
        }
    }
}
