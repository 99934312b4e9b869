package io.vpclab.controlplane.compiler;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Route;
import io.vpclab.client.model.Router;
import io.vpclab.client.model.TableVpnGateway;
import io.vpclab.client.model.TableVpnPeer;
import java.util.List;

/**
 * VPN gateways, after the routes: the router of every VPC with a local port routes each VPN
 * connection's on-premises CIDRs to its gateway's tunnel address (the gateway's port came with
 * the VPC's ports, so its MAC and binding are already here), and the host the gateway is placed
 * on gets its {@code vpnGateways} entry: private key, listen port, one peer per connection. Only
 * the gateway's own VPC routes to it: on-premises networks are no transit for peered VPCs.
 */
final class VpnGatewayCompiler {

    private VpnGatewayCompiler() {}

    static void compile(HostScope scope, ForwardingTable table) {
        String self = scope.host().id();
        for (String vpcId : scope.localVpcs()) {
            VpcNode vpc = scope.snapshot().vpcs().get(vpcId);
            for (VpnGatewayNode gateway : vpc.vpnGateways()) {
                Integer vni = vpc.subnets().stream()
                        .filter(subnet -> subnet.id().equals(gateway.subnetId()))
                        .map(SubnetNode::vni)
                        .findFirst()
                        .orElse(null);
                Router router = router(table, vpcId);
                if (vni == null || router == null) {
                    continue;
                }
                for (VpnGatewayNode.Peer peer : gateway.peers()) {
                    for (String cidr : peer.onPremisesCidrs()) {
                        router.addRoutesItem(
                                new Route().destination(cidr).vni(vni).nextHop(gateway.tunnelIp()));
                    }
                }
                if (gateway.hostId().equals(self)) {
                    table.addVpnGatewaysItem(entry(gateway));
                }
            }
        }
    }

    private static TableVpnGateway entry(VpnGatewayNode gateway) {
        List<TableVpnPeer> peers = gateway.peers().stream()
                .map(peer -> new TableVpnPeer()
                        .id(peer.connectionId())
                        .publicKey(peer.publicKey())
                        .presharedKey(peer.presharedKey())
                        .endpointIp(peer.endpointIp())
                        .allowedIps(peer.onPremisesCidrs()))
                .toList();
        return new TableVpnGateway()
                .id(gateway.id())
                .privateKey(gateway.privateKey())
                .listenPort(gateway.listenPort())
                .peers(peers);
    }

    private static Router router(ForwardingTable table, String vpcId) {
        for (Router router : table.getRouters() == null ? List.<Router>of() : table.getRouters()) {
            if (router.getId().equals(vpcId)) {
                return router;
            }
        }
        return null;
    }
}
