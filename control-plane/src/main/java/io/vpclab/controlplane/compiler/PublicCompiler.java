package io.vpclab.controlplane.compiler;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.IpBinding;
import io.vpclab.client.model.MacEntry;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortElasticIp;
import io.vpclab.client.model.PortKind;
import io.vpclab.client.model.Route;
import io.vpclab.client.model.Router;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.Vtep;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The provider segment, on hosts that need it: those with an internet host or an instance with an
 * elastic IP. Its router ("public") routes the public range and the EIP pool onto the segment;
 * an elastic IP is bound to its instance's MAC behind the instance's VTEP, where the agent does
 * the 1:1 NAT. Local instance ports carry their elastic IP.
 */
final class PublicCompiler {

    private PublicCompiler() {}

    static void compile(HostScope scope, ForwardingTable table) {
        NetworkSnapshot snapshot = scope.snapshot();
        String self = scope.host().id();
        if (!snapshot.publicHosts().contains(self)) {
            return;
        }
        PublicNetwork network = snapshot.publicNetwork();
        int vni = network.vni();
        for (InternetHostNode host : network.internetHosts()) {
            if (host.hostId().equals(self)) {
                table.addPortsItem(port(host, network));
            } else {
                table.addMacsItem(new MacEntry().vni(vni).mac(host.mac()).vtep(host.hostId()));
            }
            table.addBindingsItem(
                    new IpBinding().vni(vni).ipAddress(host.publicIp()).mac(host.mac()));
        }
        for (VpcNode vpc : new TreeMap<>(snapshot.vpcs()).values()) {
            for (InstanceNode instance : vpc.instances()) {
                ElasticIpNode eip = snapshot.elasticIpOf(instance.id());
                if (eip == null) {
                    continue;
                }
                if (instance.hostId().equals(self)) {
                    attach(table, instance, eip);
                } else {
                    table.addMacsItem(
                            new MacEntry().vni(vni).mac(instance.mac()).vtep(instance.hostId()));
                }
                table.addBindingsItem(
                        new IpBinding().vni(vni).ipAddress(eip.publicIp()).mac(instance.mac()));
            }
        }
        List<String> others =
                snapshot.publicHosts().stream().filter(h -> !h.equals(self)).toList();
        addVteps(snapshot, table, others);
        table.addSegmentsItem(new Segment()
                .vni(vni)
                .provider(true)
                .gatewayIp(network.gatewayIp())
                .routerId(PublicNetwork.ROUTER_ID)
                .floodList(others));
        table.addRoutersItem(new Router()
                .id(PublicNetwork.ROUTER_ID)
                .mac(PublicNetwork.ROUTER_MAC)
                .routes(List.of(
                        new Route().destination(network.publicCidr()).vni(vni),
                        new Route().destination(network.eipPool()).vni(vni))));
    }

    private static Port port(InternetHostNode host, PublicNetwork network) {
        int prefixLength = Integer.parseInt(
                network.publicCidr().substring(network.publicCidr().indexOf('/') + 1));
        return new Port()
                .id(host.id())
                .name(host.name())
                .kind(PortKind.fromValue(host.kind()))
                .vni(network.vni())
                .mac(host.mac())
                .ipAddress(host.publicIp())
                .prefixLength(prefixLength)
                .gatewayIp(network.gatewayIp());
    }

    /** The port carries its elastic IP; a WHITELIST policy brings its whitelist into the table. */
    private static void attach(ForwardingTable table, InstanceNode instance, ElasticIpNode eip) {
        PortElasticIp entry = new PortElasticIp()
                .publicIp(eip.publicIp())
                .ingressPolicy(PortElasticIp.IngressPolicyEnum.fromValue(eip.ingressPolicy()));
        if (eip.whitelist() != null && "WHITELIST".equals(eip.ingressPolicy())) {
            entry.whitelistId(eip.whitelist().id());
            eip.whitelist().addTo(table);
        }
        for (Port port : table.getPorts() == null ? List.<Port>of() : table.getPorts()) {
            if (port.getId().equals(instance.id())) {
                port.elasticIp(entry);
            }
        }
    }

    private static void addVteps(NetworkSnapshot snapshot, ForwardingTable table, List<String> hostIds) {
        Set<String> present = new HashSet<>();
        if (table.getVteps() != null) {
            table.getVteps().forEach(v -> present.add(v.getId()));
        }
        for (String hostId : hostIds) {
            HostNode remote = snapshot.hosts().get(hostId);
            if (remote != null && present.add(hostId)) {
                table.addVtepsItem(
                        new Vtep().id(remote.id()).ip(remote.underlayIp()).port(remote.udpPort()));
            }
        }
    }
}
