package io.vpclab.controlplane.southbound;

import io.vpclab.controlplane.compiler.ElasticIpNode;
import io.vpclab.controlplane.compiler.HostNode;
import io.vpclab.controlplane.compiler.InstanceNode;
import io.vpclab.controlplane.compiler.InternetHostNode;
import io.vpclab.controlplane.compiler.NatGatewayNode;
import io.vpclab.controlplane.compiler.NetworkAclNode;
import io.vpclab.controlplane.compiler.PublicNetwork;
import io.vpclab.controlplane.compiler.SecurityGroupNode;
import io.vpclab.controlplane.compiler.SubnetNode;
import io.vpclab.controlplane.compiler.VpcNode;
import io.vpclab.controlplane.compiler.VpnGatewayNode;
import io.vpclab.controlplane.compiler.WhitelistNode;
import io.vpclab.controlplane.elasticip.ElasticIp;
import io.vpclab.controlplane.elasticip.ElasticIpService;
import io.vpclab.controlplane.flowlog.FlowLogService;
import io.vpclab.controlplane.host.Host;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.instance.Instance;
import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.internethost.InternetHostService;
import io.vpclab.controlplane.natgateway.NatGateway;
import io.vpclab.controlplane.natgateway.NatGatewayService;
import io.vpclab.controlplane.networkacl.AclEntry;
import io.vpclab.controlplane.networkacl.NetworkAclService;
import io.vpclab.controlplane.peering.PeeringService;
import io.vpclab.controlplane.publicnetwork.PublicNetworkProperties;
import io.vpclab.controlplane.routetable.RouteTableService;
import io.vpclab.controlplane.securitygroup.Permission;
import io.vpclab.controlplane.securitygroup.SecurityGroupRule;
import io.vpclab.controlplane.securitygroup.SecurityGroupService;
import io.vpclab.controlplane.subnet.RouteContributor;
import io.vpclab.controlplane.subnet.Subnet;
import io.vpclab.controlplane.subnet.SubnetService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.controlplane.vpn.VpnGatewayService;
import io.vpclab.controlplane.whitelist.RuleMatch;
import io.vpclab.controlplane.whitelist.WhitelistService;
import io.vpclab.net.Ipv4Prefix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Reads the store through the features' services, with the admin's view of every tenant. */
@Component
class StoreNetworkReader implements NetworkReader {

    private static final Caller SYSTEM = Caller.admin();

    private final HostService hosts;
    private final VpcService vpcs;
    private final SubnetService subnets;
    private final InstanceService instances;
    private final PeeringService peerings;
    private final ElasticIpService eips;
    private final PublicNetworkProperties publicNetwork;
    private final InternetHostService internetHosts;
    private final NatGatewayService natGateways;
    private final int natPortMin;
    private final int natPortMax;
    private final WhitelistService whitelists;
    private final SecurityGroupService securityGroups;
    private final NetworkAclService networkAcls;
    private final VpnGatewayService vpnGateways;
    private final RouteTableService routeTables;
    private final FlowLogService flowLogs;
    private final TransactionTemplate readOnly;

    /**
     * @param natPortMin lowest public port a NAT gateway allocates ({@code vpclab.nat-gateway.port-min}, default 1024)
     * @param natPortMax highest ({@code vpclab.nat-gateway.port-max}, default 65535); a small range lets tests exhaust it
     */
    StoreNetworkReader(
            HostService hosts,
            VpcService vpcs,
            SubnetService subnets,
            InstanceService instances,
            PeeringService peerings,
            ElasticIpService eips,
            PublicNetworkProperties publicNetwork,
            WhitelistService whitelists,
            NatGatewayService natGateways,
            InternetHostService internetHosts,
            SecurityGroupService securityGroups,
            NetworkAclService networkAcls,
            VpnGatewayService vpnGateways,
            RouteTableService routeTables,
            FlowLogService flowLogs,
            PlatformTransactionManager transactions,
            @Value("${vpclab.nat-gateway.port-min:1024}") int natPortMin,
            @Value("${vpclab.nat-gateway.port-max:65535}") int natPortMax) {
        this.internetHosts = internetHosts;
        if (natPortMin < 1 || natPortMax > 65535 || natPortMin > natPortMax) {
            throw new IllegalArgumentException(
                    "vpclab.nat-gateway.port-min..port-max must be within 1..65535 with min <= max: " + natPortMin
                            + ".." + natPortMax);
        }
        this.whitelists = whitelists;
        this.securityGroups = securityGroups;
        this.networkAcls = networkAcls;
        this.vpnGateways = vpnGateways;
        this.routeTables = routeTables;
        this.flowLogs = flowLogs;
        this.readOnly = new TransactionTemplate(transactions);
        readOnly.setReadOnly(true);
        this.natGateways = natGateways;
        this.natPortMin = natPortMin;
        this.natPortMax = natPortMax;
        this.peerings = peerings;
        this.publicNetwork = publicNetwork;
        this.eips = eips;
        this.hosts = hosts;
        this.vpcs = vpcs;
        this.subnets = subnets;
        this.instances = instances;
    }

    @Override
    public Map<String, HostNode> hosts() {
        Map<String, HostNode> all = new HashMap<>();
        for (Host host : everyPage(page -> hosts.list(SYSTEM, page))) {
            all.put(host.id(), node(host));
        }
        return all;
    }

    @Override
    public Optional<HostNode> host(String hostId) {
        try {
            return Optional.of(node(hosts.get(SYSTEM, hostId)));
        } catch (ApiException notFound) {
            return Optional.empty();
        }
    }

    @Override
    public Set<String> vpcIds() {
        Set<String> ids = new LinkedHashSet<>();
        everyPage(page -> vpcs.list(SYSTEM, null, page)).forEach(vpc -> ids.add(vpc.id()));
        return ids;
    }

    @Override
    public Optional<VpcNode> vpc(String vpcId) {
        VpcService.VpcView vpc;
        try {
            vpc = vpcs.get(SYSTEM, vpcId);
        } catch (ApiException notFound) {
            return Optional.empty();
        }
        // a dozen reads, one transaction: one connection and session instead of one per read
        return Optional.of(readOnly.execute(status -> read(vpc)));
    }

    private VpcNode read(VpcService.VpcView vpc) {
        String vpcId = vpc.id();
        List<Instance> vpcInstances = instances.ofVpc(vpcId);
        List<NatGatewayService.NatGatewayView> vpcNatGateways =
                everyPage(page -> natGateways.list(SYSTEM, vpcId, page));
        if (holdsNothingForAnyHost(vpcId, vpcInstances, vpcNatGateways)) {
            return unplaced(vpc);
        }
        List<SubnetNode> subnetNodes = new ArrayList<>();
        // NAT gateway -> the subnets whose route table sends 0.0.0.0/0 to it
        Map<String, List<String>> natSubnets = new HashMap<>();
        List<Subnet> vpcSubnets = everyPage(page -> subnets.list(SYSTEM, vpcId, page));
        Map<String, List<RouteContributor.RouteEntry>> routesBySubnet = routeTables.routesOfVpc(
                vpcId, vpcSubnets.stream().map(Subnet::id).toList());
        for (Subnet subnet : vpcSubnets) {
            List<SubnetNode.TableRoute> tableRoutes = new ArrayList<>();
            for (RouteContributor.RouteEntry route : routesBySubnet.getOrDefault(subnet.id(), List.of())) {
                if (!route.active()) {
                    tableRoutes.add(SubnetNode.TableRoute.blackhole(route.destinationCidrBlock()));
                } else if (route.target() == RouteContributor.Target.INSTANCE) {
                    tableRoutes.add(new SubnetNode.TableRoute(route.destinationCidrBlock(), route.targetId()));
                } else if (route.target() == RouteContributor.Target.NAT_GATEWAY) {
                    natSubnets
                            .computeIfAbsent(route.targetId(), id -> new ArrayList<>())
                            .add(subnet.id());
                }
            }
            subnetNodes.add(node(subnet, tableRoutes));
        }
        List<InstanceNode> instanceNodes = new ArrayList<>();
        for (Instance instance : vpcInstances) {
            instanceNodes.add(new InstanceNode(
                    instance.id(),
                    instance.name(),
                    instance.subnetId(),
                    instance.hostId(),
                    instance.kind().name().toLowerCase(),
                    instance.privateIpAddress(),
                    instance.macAddress(),
                    instance.deviceName(),
                    instance.namespace()));
        }
        List<ElasticIpNode> eipNodes = new ArrayList<>();
        for (ElasticIp eip : everyPage(page -> eips.list(SYSTEM, vpcId, page))) {
            if (eip.instanceId() != null) { // a NAT gateway's EIP is the gateway's business
                WhitelistNode whitelist = eip.whitelistId() == null ? null : whitelist(eip.whitelistId());
                eipNodes.add(new ElasticIpNode(
                        eip.publicIp(), eip.instanceId(), eip.ingressPolicy().name(), whitelist));
            }
        }
        List<NatGatewayNode> natNodes = new ArrayList<>();
        for (NatGatewayService.NatGatewayView view : vpcNatGateways) {
            NatGateway gateway = view.gateway();
            // forwarded only once placed on a host and given its public address
            if (gateway.hostId() != null && view.eip() != null) {
                natNodes.add(new NatGatewayNode(
                        gateway.id(),
                        gateway.name(),
                        gateway.subnetId(),
                        gateway.hostId(),
                        gateway.privateIpAddress(),
                        view.eip().publicIp(),
                        gateway.egressPolicy().name(),
                        gateway.whitelistId() == null ? null : whitelist(gateway.whitelistId()),
                        gateway.tcpIdleTimeoutSeconds(),
                        gateway.udpIdleTimeoutSeconds(),
                        natSubnets.getOrDefault(gateway.id(), List.of()).stream()
                                .filter(subnetId -> !subnetId.equals(gateway.subnetId()))
                                .toList(),
                        natPortMin,
                        natPortMax));
            }
        }
        return new VpcNode(
                vpc.id(),
                vpc.tenantId(),
                subnetNodes,
                instanceNodes,
                eipNodes,
                natNodes,
                securityGroups(vpcId),
                networkAcls(vpcId),
                vpnGateway(vpcId, subnetNodes),
                flowLogs.nodesOfVpc(vpcId),
                vpc.vpc().arpSuppression());
    }

    /**
     * A VPC with no instance, no NAT gateway or VPN gateway on a host and no active peering puts
     * nothing into any host's table: its subnets, routes, ACLs and groups are read once something
     * lands (that change names the VPC again). Filling a VPC with thousands of empty subnets, as
     * the VLAN lesson does, then costs no whole-VPC read per subnet.
     */
    private boolean holdsNothingForAnyHost(
            String vpcId, List<Instance> vpcInstances, List<NatGatewayService.NatGatewayView> vpcNatGateways) {
        return vpcInstances.isEmpty()
                && vpcNatGateways.stream().allMatch(view -> view.gateway().hostId() == null)
                && vpnGateways.wiring(vpcId).isEmpty()
                && peerings.activePairs().stream()
                        .noneMatch(pair -> pair.requesterVpcId().equals(vpcId)
                                || pair.accepterVpcId().equals(vpcId));
    }

    private static VpcNode unplaced(VpcService.VpcView vpc) {
        return new VpcNode(
                vpc.id(),
                vpc.tenantId(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                vpc.vpc().arpSuppression());
    }

    /**
     * The VPC's VPN gateway once placed, its side in the VPC's first subnet at that subnet's
     * reserved base + 3 address; none while the VPC has no subnet (nothing to route from).
     */
    private List<VpnGatewayNode> vpnGateway(String vpcId, List<SubnetNode> subnetNodes) {
        if (subnetNodes.isEmpty()) {
            return List.of();
        }
        SubnetNode first = subnetNodes.get(0);
        String tunnelIp =
                Ipv4Prefix.formatAddress(Ipv4Prefix.parse(first.cidrBlock()).first() + 3);
        return vpnGateways
                .wiring(vpcId)
                .map(wiring -> List.of(new VpnGatewayNode(
                        wiring.gatewayId(),
                        wiring.name(),
                        first.id(),
                        wiring.hostId(),
                        tunnelIp,
                        wiring.listenPort(),
                        wiring.privateKey(),
                        wiring.peers().stream()
                                .map(peer -> new VpnGatewayNode.Peer(
                                        peer.connectionId(),
                                        peer.publicKey(),
                                        peer.presharedKey(),
                                        peer.endpointIp(),
                                        peer.onPremisesCidrs()))
                                .toList())))
                .orElse(List.of());
    }

    @Override
    public Map<String, Set<String>> activePeers() {
        Map<String, Set<String>> peers = new HashMap<>();
        for (PeeringService.VpcPair pair : peerings.activePairs()) {
            peers.computeIfAbsent(pair.requesterVpcId(), v -> new LinkedHashSet<>())
                    .add(pair.accepterVpcId());
            peers.computeIfAbsent(pair.accepterVpcId(), v -> new LinkedHashSet<>())
                    .add(pair.requesterVpcId());
        }
        return peers;
    }

    @Override
    public PublicNetwork publicNetwork(Map<String, HostNode> hosts) {
        // configured internet hosts and those created through the API (placed by VTEP host ID)
        List<InternetHostNode> created = internetHosts.created().stream()
                .map(h -> PublicNetworkProperties.node(h.name(), h.ip(), h.hostId(), h.kind()))
                .toList();
        return publicNetwork.resolve(hosts, created);
    }

    /**
     * VPCs with an instance whose elastic IP's ingress, or a NAT gateway whose egress, uses the
     * whitelist: they recompile when it changes.
     */
    Set<String> vpcIdsUsingWhitelist(String whitelistId) {
        Set<String> ids = new LinkedHashSet<>();
        for (ElasticIp eip : everyPage(page -> eips.list(SYSTEM, null, page))) {
            if (whitelistId.equals(eip.whitelistId()) && eip.instanceId() != null && eip.vpcId() != null) {
                ids.add(eip.vpcId());
            }
        }
        for (NatGatewayService.NatGatewayView view : everyPage(page -> natGateways.list(SYSTEM, null, page))) {
            if (whitelistId.equals(view.gateway().whitelistId())) {
                ids.add(view.gateway().vpcId());
            }
        }
        return ids;
    }

    private List<SecurityGroupNode> securityGroups(String vpcId) {
        List<SecurityGroupNode> nodes = new ArrayList<>();
        for (SecurityGroupService.GroupWithMembers group : securityGroups.ofVpc(vpcId)) {
            SecurityGroupService.SecurityGroupView view = group.view();
            nodes.add(new SecurityGroupNode(
                    view.group().id(),
                    securityGroupRules(view.rules(Permission.Direction.INGRESS)),
                    securityGroupRules(view.rules(Permission.Direction.EGRESS)),
                    group.memberInstanceIds(),
                    view.group().isDefault()));
        }
        return nodes;
    }

    private List<NetworkAclNode> networkAcls(String vpcId) {
        List<NetworkAclNode> nodes = new ArrayList<>();
        for (NetworkAclService.NetworkAclView view : networkAcls.ofVpc(vpcId)) {
            List<NetworkAclNode.Entry> entries = new ArrayList<>();
            for (AclEntry entry : view.entries()) {
                Permission match = entry.match();
                entries.add(new NetworkAclNode.Entry(
                        entry.ruleNumber(),
                        entry.egress(),
                        entry.allow(),
                        match.protocol().name(),
                        match.fromPort(),
                        match.toPort(),
                        match.cidr().toString()));
            }
            nodes.add(new NetworkAclNode(view.acl().id(), entries, view.subnetIds()));
        }
        return nodes;
    }

    private static List<SecurityGroupNode.Rule> securityGroupRules(List<SecurityGroupRule> rules) {
        return rules.stream()
                .map(rule -> {
                    Permission permission = rule.permission();
                    return new SecurityGroupNode.Rule(
                            rule.id(),
                            permission.protocol().name(),
                            permission.fromPort(),
                            permission.toPort(),
                            permission.cidr() == null ? null : permission.cidr().toString(),
                            permission.referencedGroupId());
                })
                .toList();
    }

    private WhitelistNode whitelist(String whitelistId) {
        WhitelistService.WhitelistView view = whitelists.get(SYSTEM, whitelistId);
        return new WhitelistNode(
                whitelistId,
                view.rules().stream()
                        .map(rule -> {
                            RuleMatch match = rule.match();
                            return new WhitelistNode.Rule(
                                    rule.id(),
                                    match.protocol().name(),
                                    match.cidr().toString(),
                                    match.fromPort(),
                                    match.toPort());
                        })
                        .toList());
    }

    private static HostNode node(Host host) {
        return new HostNode(host.id(), host.name(), host.underlayIp(), host.udpPort(), host.underlayMtu());
    }

    private static SubnetNode node(Subnet subnet, List<SubnetNode.TableRoute> tableRoutes) {
        boolean vlan = "vlan".equalsIgnoreCase(subnet.segmentation());
        String gateway = Ipv4Prefix.formatAddress(subnet.addressPlan().gateway());
        return new SubnetNode(
                subnet.id(),
                subnet.vpcId(),
                subnet.cidrBlock(),
                gateway,
                subnet.segmentId(),
                vlan ? subnet.segmentId() : null,
                tableRoutes);
    }

    private static <T> List<T> everyPage(Function<PageRequest, PageRequest.Page<T>> fetch) {
        List<T> all = new ArrayList<>();
        String next = null;
        do {
            PageRequest.Page<T> page = fetch.apply(PageRequest.of(PageRequest.LIMIT_MAX_RESULTS, next));
            all.addAll(page.items());
            next = page.nextToken();
        } while (next != null);
        return all;
    }
}
