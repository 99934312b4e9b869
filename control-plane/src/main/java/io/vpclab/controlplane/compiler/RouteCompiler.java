package io.vpclab.controlplane.compiler;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Route;
import io.vpclab.client.model.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One distributed router per VPC with a local port. Its routes reach the VPC's own subnets and
 * the subnets of its active peers, and nothing further: peering is not transitive. A peer VPC
 * without a local port comes as a router without routes: only its MAC, the source of the frames
 * it routes into this host's subnets.
 */
final class RouteCompiler {

    private RouteCompiler() {}

    static void compile(HostScope scope, ForwardingTable table) {
        NetworkSnapshot snapshot = scope.snapshot();
        Set<String> remotePeers = new TreeSet<>();
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
}
