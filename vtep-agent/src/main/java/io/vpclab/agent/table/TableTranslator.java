package io.vpclab.agent.table;

import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.PortNatGateway;
import io.vpclab.client.model.TableNetworkAclEntry;
import io.vpclab.client.model.TableSecurityGroupRule;
import io.vpclab.client.model.TableVpnGateway;
import io.vpclab.client.model.TableWhitelistRule;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.table.DefaultRoute;
import io.vpclab.dataplane.table.EgressPolicy;
import io.vpclab.dataplane.table.ElasticIp;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.NatGateway;
import io.vpclab.dataplane.table.NetworkAcl;
import io.vpclab.dataplane.table.NetworkAclEntry;
import io.vpclab.dataplane.table.NetworkAclLookup;
import io.vpclab.dataplane.table.PortKind;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.SecurityGroup;
import io.vpclab.dataplane.table.SecurityGroupMember;
import io.vpclab.dataplane.table.SecurityGroupRule;
import io.vpclab.dataplane.table.SecurityPolicyLookup;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.table.TableRoute;
import io.vpclab.dataplane.table.VpnGateway;
import io.vpclab.dataplane.table.Whitelist;
import io.vpclab.dataplane.table.WhitelistProtocol;
import io.vpclab.dataplane.table.WhitelistRule;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import io.vpclab.net.VxlanSpec;
import io.vpclab.net.WireGuardKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates a validated contract table into the data plane's immutable {@link ForwardingState}.
 * Defaults of the contract apply here (udpPort 4789, underlayMtu 1500, port MTU = underlay MTU - 50).
 */
public final class TableTranslator {

    private TableTranslator() {}

    /**
     * Validates {@code table} with {@link TableValidator} (every problem, with its JSON pointer)
     * and builds the snapshot; {@code source} names the file or generation in a refusal. The
     * same validation runs for a file and for a pushed table.
     *
     * @throws TableRefusedException when the table is refused
     */
    public static ForwardingState translate(String source, ForwardingTable table) {
        if (table == null) {
            throw new TableRefusedException(source, List.of(DocumentProblem.at("", "there is no table")));
        }
        List<DocumentProblem> problems = TableValidator.validate(table);
        if (!problems.isEmpty()) {
            throw new TableRefusedException(source, problems);
        }
        try {
            return build(table);
        } catch (IllegalArgumentException e) {
            // a reference the data plane cannot resolve: reaching here means the validator misses a rule
            throw new TableRefusedException(source, List.of(DocumentProblem.at("", e.getMessage())));
        }
    }

    private static ForwardingState build(ForwardingTable table) {
        var host = table.getHost();
        int underlayMtu = orDefault(host.getUnderlayMtu(), TableHost.DEFAULT_UNDERLAY_MTU);
        ForwardingState.Builder b = ForwardingState.builder()
                .generation(table.getGeneration() == null ? 0 : table.getGeneration())
                .host(new TableHost(
                        Ipv4Address.parse(host.getUnderlayIp()),
                        orDefault(host.getUdpPort(), Vxlan.PORT),
                        underlayMtu));
        for (var vtep : list(table.getVteps())) {
            b.vtep(new RemoteVtep(
                    vtep.getId(), Ipv4Address.parse(vtep.getIp()), orDefault(vtep.getPort(), Vxlan.PORT)));
        }
        for (var segment : list(table.getSegments())) {
            b.segment(new Segment(
                    Vni.of(segment.getVni()),
                    segment.getCidrBlock() == null ? null : Ipv4Prefix.parse(segment.getCidrBlock()),
                    ip(segment.getGatewayIp()),
                    segment.getRouterId(),
                    segment.getFloodList(),
                    segment.getVlanId(),
                    Boolean.TRUE.equals(segment.getLearningPeer()),
                    !Boolean.FALSE.equals(segment.getArpSuppression())));
            if (Boolean.TRUE.equals(segment.getProvider())) {
                b.publicVni(Vni.of(segment.getVni()));
            }
            if (segment.getDefaultRoute() != null) {
                var route = segment.getDefaultRoute();
                b.defaultRoute(new DefaultRoute(
                        Vni.of(segment.getVni()), Vni.of(route.getVni()), Ipv4Address.parse(route.getNextHop())));
            }
            for (var route : list(segment.getRoutes())) {
                b.tableRoute(new TableRoute(
                        Vni.of(segment.getVni()),
                        Ipv4Prefix.parse(route.getDestination()),
                        route.getVni() == null ? null : Vni.of(route.getVni()),
                        ip(route.getNextHop())));
            }
        }
        for (var port : list(table.getPorts())) {
            PortKind kind = PortKind.parse(port.getKind().getValue());
            b.port(new LocalPort(
                    port.getId(),
                    port.getName(),
                    kind,
                    Vni.of(port.getVni()),
                    MacAddress.parse(port.getMac()),
                    // a VPN gateway's port sends the peers' packets: WireGuard's allowed IPs check their
                    // sources, so the port itself is held to its MAC only (its address is the next hop)
                    kind == PortKind.VPN_GATEWAY ? null : ip(port.getIpAddress()),
                    orDefault(port.getPrefixLength(), port.getIpAddress() == null ? 0 : 24),
                    ip(port.getGatewayIp()),
                    orDefault(port.getMtu(), underlayMtu - VxlanSpec.OVERHEAD),
                    port.getDevice(),
                    port.getNamespace()));
            if (port.getFlowLog() != null) {
                b.flowLogged(port.getId());
            }
            if (port.getElasticIp() != null) {
                var eip = port.getElasticIp();
                b.elasticIp(new ElasticIp(
                        Ipv4Address.parse(eip.getPublicIp()),
                        Vni.of(port.getVni()),
                        ip(port.getIpAddress()),
                        eip.getIngressPolicy() == null
                                ? null
                                : IngressPolicy.valueOf(eip.getIngressPolicy().getValue()),
                        eip.getWhitelistId()));
            }
            if (port.getNatGateway() != null) {
                b.natGateway(natGateway(port.getId(), port.getNatGateway()));
            }
        }
        for (var mac : list(table.getMacs())) {
            b.mac(new MacEntry(Vni.of(mac.getVni()), MacAddress.parse(mac.getMac()), mac.getVtep()));
        }
        for (var binding : list(table.getBindings())) {
            b.binding(new IpBinding(
                    Vni.of(binding.getVni()),
                    Ipv4Address.parse(binding.getIpAddress()),
                    MacAddress.parse(binding.getMac())));
        }
        for (var router : list(table.getRouters())) {
            List<Route> routes = list(router.getRoutes()).stream()
                    .map(r -> new Route(Ipv4Prefix.parse(r.getDestination()), Vni.of(r.getVni()), ip(r.getNextHop())))
                    .toList();
            b.router(new Router(router.getId(), MacAddress.parse(router.getMac()), routes));
        }
        for (var whitelist : list(table.getWhitelists())) {
            b.whitelist(new Whitelist(
                    whitelist.getId(),
                    list(whitelist.getRules()).stream()
                            .map(TableTranslator::whitelistRule)
                            .toList()));
        }
        for (var gateway : list(table.getVpnGateways())) {
            b.vpnGateway(vpnGateway(gateway));
        }
        b.securityPolicy(securityPolicy(table));
        b.networkAcls(networkAcls(table));
        return b.build();
    }

    /** The ACLs and each segment's ACL, as the validator accepted them. */
    private static NetworkAclLookup networkAcls(ForwardingTable table) {
        if (list(table.getNetworkAcls()).isEmpty()) {
            return NetworkAclLookup.EMPTY;
        }
        List<NetworkAcl> acls = list(table.getNetworkAcls()).stream()
                .map(acl -> new NetworkAcl(
                        acl.getId(),
                        list(acl.getEntries()).stream()
                                .map(TableTranslator::networkAclEntry)
                                .toList()))
                .toList();
        Map<Integer, String> aclOfVni = new LinkedHashMap<>();
        for (var segment : list(table.getSegments())) {
            if (segment.getNetworkAclId() != null) {
                aclOfVni.put(segment.getVni(), segment.getNetworkAclId());
            }
        }
        return new NetworkAclLookup(acls, aclOfVni);
    }

    /** As a security group rule: ICMP without a type or code means any (-1); ALL takes no ports. */
    private static NetworkAclEntry networkAclEntry(TableNetworkAclEntry entry) {
        WhitelistProtocol protocol =
                WhitelistProtocol.valueOf(entry.getProtocol().getValue());
        int any = SecurityGroupRule.ANY;
        int from = protocol == WhitelistProtocol.ALL ? any : orDefault(entry.getFromPort(), any);
        int to = protocol == WhitelistProtocol.ALL ? any : orDefault(entry.getToPort(), any);
        return new NetworkAclEntry(
                entry.getRuleNumber(),
                entry.getEgress(),
                entry.getAction() == TableNetworkAclEntry.ActionEnum.ALLOW,
                protocol,
                from,
                to,
                Ipv4Prefix.parse(entry.getCidrBlock()));
    }

    /** Groups, members and each port's groups, as the validator accepted them. */
    private static SecurityPolicyLookup securityPolicy(ForwardingTable table) {
        if (list(table.getSecurityGroups()).isEmpty()) {
            return SecurityPolicyLookup.EMPTY;
        }
        List<SecurityGroup> groups = list(table.getSecurityGroups()).stream()
                .map(group -> new SecurityGroup(
                        group.getId(),
                        list(group.getIngress()).stream()
                                .map(TableTranslator::securityGroupRule)
                                .toList(),
                        list(group.getEgress()).stream()
                                .map(TableTranslator::securityGroupRule)
                                .toList()))
                .toList();
        List<SecurityGroupMember> members = list(table.getGroupMembers()).stream()
                .map(member -> new SecurityGroupMember(member.getGroupId(), Ipv4Address.parse(member.getIpAddress())))
                .toList();
        Map<String, List<String>> groupsOfPort = new LinkedHashMap<>();
        for (var port : list(table.getPorts())) {
            if (!list(port.getSecurityGroupIds()).isEmpty()) {
                groupsOfPort.put(port.getId(), List.copyOf(port.getSecurityGroupIds()));
            }
        }
        return new SecurityPolicyLookup(groups, members, groupsOfPort);
    }

    /** ICMP without a type or code means any (-1); ALL takes no ports. */
    private static SecurityGroupRule securityGroupRule(TableSecurityGroupRule rule) {
        WhitelistProtocol protocol =
                WhitelistProtocol.valueOf(rule.getProtocol().getValue());
        int any = SecurityGroupRule.ANY;
        int from = protocol == WhitelistProtocol.ALL ? any : orDefault(rule.getFromPort(), any);
        int to = protocol == WhitelistProtocol.ALL ? any : orDefault(rule.getToPort(), any);
        return new SecurityGroupRule(
                rule.getId(),
                protocol,
                from,
                to,
                rule.getCidrBlock() == null ? null : Ipv4Prefix.parse(rule.getCidrBlock()),
                rule.getGroupId());
    }

    /** Contract defaults: ports 1024..65535, 350 s idle timeouts (AWS), ALLOW_ALL. */
    private static NatGateway natGateway(String portId, PortNatGateway nat) {
        List<Ipv4Prefix> sources =
                list(nat.getSources()).stream().map(Ipv4Prefix::parse).toList();
        return new NatGateway(
                nat.getId(),
                portId,
                Ipv4Address.parse(nat.getPublicIp()),
                orDefault(nat.getPortMin(), NatGateway.DEFAULT_PORT_MIN),
                orDefault(nat.getPortMax(), NatGateway.DEFAULT_PORT_MAX),
                orDefault(nat.getTcpIdleSeconds(), NatGateway.DEFAULT_IDLE_SECONDS),
                orDefault(nat.getUdpIdleSeconds(), NatGateway.DEFAULT_IDLE_SECONDS),
                nat.getEgressPolicy() == null
                        ? null
                        : EgressPolicy.valueOf(nat.getEgressPolicy().getValue()),
                sources,
                nat.getWhitelistId());
    }

    /** The contract's default listen port is WireGuard's customary 51820. */
    private static VpnGateway vpnGateway(TableVpnGateway gateway) {
        List<VpnGateway.Peer> peers = list(gateway.getPeers()).stream()
                .map(peer -> new VpnGateway.Peer(
                        peer.getId(),
                        WireGuardKeys.fromBase64(peer.getPublicKey()),
                        peer.getPresharedKey() == null ? null : WireGuardKeys.fromBase64(peer.getPresharedKey()),
                        ip(peer.getEndpointIp()),
                        list(peer.getAllowedIps()).stream()
                                .map(Ipv4Prefix::parse)
                                .toList()))
                .toList();
        return new VpnGateway(
                gateway.getId(),
                WireGuardKeys.fromBase64(gateway.getPrivateKey()),
                orDefault(gateway.getListenPort(), VpnGateway.DEFAULT_LISTEN_PORT),
                peers);
    }

    /** TCP/UDP without ports means every port; one bound alone means that single port (as in the API). */
    private static WhitelistRule whitelistRule(TableWhitelistRule rule) {
        WhitelistProtocol protocol =
                WhitelistProtocol.valueOf(rule.getProtocol().getValue());
        Ipv4Prefix cidr = Ipv4Prefix.parse(rule.getCidrBlock());
        if (!protocol.hasPorts()) {
            return WhitelistRule.anyPort(rule.getId(), protocol, cidr);
        }
        Integer from = rule.getFromPort() != null ? rule.getFromPort() : rule.getToPort();
        Integer to = rule.getToPort() != null ? rule.getToPort() : rule.getFromPort();
        return from == null
                ? WhitelistRule.anyPort(rule.getId(), protocol, cidr)
                : new WhitelistRule(rule.getId(), protocol, cidr, from, to);
    }

    private static Ipv4Address ip(String text) {
        return text == null ? null : Ipv4Address.parse(text);
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
