package io.vpclab.controlplane.compiler;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.TableHost;

/**
 * {@code (network snapshot, host) -> forwarding table}. The concerns compile in the order an
 * agent applies them: L2 (VTEPs, segments, ports, remote MACs), then ARP bindings, then the
 * routers that resolve next hops through those bindings, and last the security groups of the
 * ports L2 placed and the network ACLs of their subnets.
 */
public final class ForwardingTableCompiler {

    private ForwardingTableCompiler() {}

    /** The host's table at the given generation. Deterministic: equal snapshots give equal tables. */
    public static ForwardingTable compile(NetworkSnapshot snapshot, String hostId, long generation) {
        HostScope scope = HostScope.of(snapshot, hostId);
        HostNode host = scope.host();
        ForwardingTable table = new ForwardingTable()
                .host(new TableHost()
                        .underlayIp(host.underlayIp())
                        .id(host.id())
                        .name(host.name())
                        .udpPort(host.udpPort())
                        .underlayMtu(host.underlayMtu()))
                .generation(generation);
        L2Compiler.compile(scope, table);
        ArpCompiler.compile(scope, table);
        RouteCompiler.compile(scope, table);
        PublicCompiler.compile(scope, table);
        NatGatewayCompiler.compile(scope, table);
        SecurityGroupCompiler.compile(scope, table);
        NetworkAclCompiler.compile(scope, table);
        VpnGatewayCompiler.compile(scope, table);
        return table;
    }
}
