package io.vpclab.topology;

import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.document.SourceLocations;
import io.vpclab.net.CidrBlockLimits;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.SubnetReservations;
import io.vpclab.topology.Topology.EipDecl;
import io.vpclab.topology.Topology.Expectation;
import io.vpclab.topology.Topology.InstanceDecl;
import io.vpclab.topology.Topology.NatGatewayDecl;
import io.vpclab.topology.Topology.PeeringDecl;
import io.vpclab.topology.Topology.RouteTableDecl;
import io.vpclab.topology.Topology.RuleDecl;
import io.vpclab.topology.Topology.SubnetDecl;
import io.vpclab.topology.Topology.TableRouteDecl;
import io.vpclab.topology.Topology.TenantDecl;
import io.vpclab.topology.Topology.VpcDecl;
import io.vpclab.topology.Topology.WhitelistDecl;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the schema cannot say: unique names, references that resolve, and CIDR arithmetic
 * (inside, overlapping, reserved), the same rules the API applies (RULES.md), so that a file the
 * server would refuse halfway is refused before the first call.
 */
final class TopologyChecks {

    private final Topology topology;
    private final SourceLocations locations;
    private final List<DocumentProblem> problems = new ArrayList<>();
    /** Instance name -> whether it has an EIP. */
    private final Map<String, Boolean> instances = new HashMap<>();

    private final Set<String> natGateways = new HashSet<>();
    private final Set<String> internetHosts = new HashSet<>();
    /** "tenant/vpc" -> its block. */
    private final Map<String, Ipv4Prefix> vpcs = new HashMap<>();

    private final IsolationChecks isolation;
    private final VpnChecks vpn;

    TopologyChecks(Topology topology, SourceLocations locations) {
        this.topology = topology;
        this.locations = locations;
        this.isolation = new IsolationChecks(topology, this::problem);
        this.vpn = new VpnChecks(topology, this::problem);
    }

    List<DocumentProblem> problems() {
        checkHosts();
        Set<String> tenantNames = new HashSet<>();
        for (int t = 0; t < topology.tenants().size(); t++) {
            TenantDecl tenant = topology.tenants().get(t);
            String at = "/tenants/" + t;
            unique(tenantNames, tenant.name(), at + "/name", "tenant");
            checkTenant(tenant, at);
        }
        Set<String> named = new HashSet<>(instances.keySet());
        named.addAll(internetHosts);
        vpn.checkSites(named);
        for (int t = 0; t < topology.tenants().size(); t++) {
            vpn.checkTenant(topology.tenants().get(t), "/tenants/" + t);
        }
        checkPeerings();
        for (int i = 0; i < topology.expect().size(); i++) {
            checkExpectation(topology.expect().get(i), "/expect/" + i);
        }
        Set<String> stepNames = new HashSet<>();
        for (int s = 0; s < topology.steps().size(); s++) {
            Topology.Step step = topology.steps().get(s);
            unique(stepNames, step.name(), "/steps/" + s + "/name", "step");
            for (int m = 0; m < step.move().size(); m++) {
                if (!instances.containsKey(step.move().get(m).instance())) {
                    problem(
                            "/steps/" + s + "/move/" + m + "/instance",
                            "no instance named '" + step.move().get(m).instance() + "' in this file");
                }
            }
            for (int i = 0; i < step.expect().size(); i++) {
                checkExpectation(step.expect().get(i), "/steps/" + s + "/expect/" + i);
            }
        }
        problems.sort(Comparator.comparingInt(DocumentProblem::line).thenComparingInt(DocumentProblem::column));
        return problems;
    }

    private void checkHosts() {
        Set<String> hostNames = new HashSet<>();
        for (int h = 0; h < topology.hosts().size(); h++) {
            String at = "/hosts/" + h;
            unique(hostNames, topology.hosts().get(h).name(), at + "/name", "host");
            address(topology.hosts().get(h).underlayIp(), at + "/underlayIp");
        }
        Set<Long> addresses = new HashSet<>();
        for (int h = 0; h < topology.internetHosts().size(); h++) {
            Topology.InternetHostDecl host = topology.internetHosts().get(h);
            String at = "/internetHosts/" + h;
            unique(internetHosts, host.name(), at + "/name", "internet host");
            Long ip = address(host.ip(), at + "/ip");
            if (ip != null && !addresses.add(ip)) {
                problem(at + "/ip", host.ip() + " is already used by another internet host of this file");
            }
        }
    }

    private void checkTenant(TenantDecl tenant, String at) {
        Set<String> whitelists = new HashSet<>();
        for (int w = 0; w < tenant.whitelists().size(); w++) {
            WhitelistDecl whitelist = tenant.whitelists().get(w);
            unique(
                    whitelists,
                    whitelist.name(),
                    at + "/whitelists/" + w + "/name",
                    "whitelist of tenant " + tenant.name());
            for (int r = 0; r < whitelist.rules().size(); r++) {
                checkRule(whitelist.rules().get(r), at + "/whitelists/" + w + "/rules/" + r);
            }
        }
        Set<String> vpcNames = new HashSet<>();
        for (int v = 0; v < tenant.vpcs().size(); v++) {
            VpcDecl vpc = tenant.vpcs().get(v);
            String vpcAt = at + "/vpcs/" + v;
            unique(vpcNames, vpc.name(), vpcAt + "/name", "VPC of tenant " + tenant.name());
            Ipv4Prefix block = block(vpc.cidrBlock(), vpcAt + "/cidrBlock", "VPC");
            if (block != null) {
                vpcs.put(tenant.name() + "/" + vpc.name(), block);
            }
            checkVpc(vpc, block, whitelists, vpcAt);
            isolation.checkVpc(tenant.name() + "/" + vpc.name(), vpc, vpcAt);
            checkIsolationCidrs(vpc, vpcAt);
        }
    }

    private void checkIsolationCidrs(VpcDecl vpc, String at) {
        for (int g = 0; g < vpc.securityGroups().size(); g++) {
            Topology.SecurityGroupDecl group = vpc.securityGroups().get(g);
            for (int r = 0; r < group.inbound().size(); r++) {
                optionalBlock(group.inbound().get(r).cidrBlock(), at + "/securityGroups/" + g + "/inbound/" + r);
            }
            for (int r = 0; r < group.outbound().size(); r++) {
                optionalBlock(group.outbound().get(r).cidrBlock(), at + "/securityGroups/" + g + "/outbound/" + r);
            }
        }
        for (int a = 0; a < vpc.networkAcls().size(); a++) {
            Topology.NetworkAclDecl acl = vpc.networkAcls().get(a);
            for (int e = 0; e < acl.inbound().size(); e++) {
                optionalBlock(acl.inbound().get(e).cidrBlock(), at + "/networkAcls/" + a + "/inbound/" + e);
            }
            for (int e = 0; e < acl.outbound().size(); e++) {
                optionalBlock(acl.outbound().get(e).cidrBlock(), at + "/networkAcls/" + a + "/outbound/" + e);
            }
        }
    }

    private void optionalBlock(String cidr, String at) {
        if (cidr != null) {
            block(cidr, at + "/cidrBlock", null);
        }
    }

    private void checkRule(RuleDecl rule, String at) {
        block(rule.cidrBlock(), at + "/cidrBlock", null);
        boolean ports = rule.fromPort() != null || rule.toPort() != null;
        if (ports && !(rule.protocol().equals("tcp") || rule.protocol().equals("udp"))) {
            problem(at + "/protocol", "ports are only for tcp and udp rules, not " + rule.protocol());
        }
        if (rule.fromPort() != null && rule.toPort() != null && rule.fromPort() > rule.toPort()) {
            problem(at + "/fromPort", "fromPort " + rule.fromPort() + " is above toPort " + rule.toPort());
        }
    }

    private void checkVpc(VpcDecl vpc, Ipv4Prefix vpcBlock, Set<String> whitelists, String at) {
        Map<String, Ipv4Prefix> subnets = new HashMap<>();
        Set<Long> addresses = new HashSet<>();
        for (int s = 0; s < vpc.subnets().size(); s++) {
            SubnetDecl subnet = vpc.subnets().get(s);
            String subnetAt = at + "/subnets/" + s;
            if (subnets.containsKey(subnet.name())) {
                problem(subnetAt + "/name", "subnet '" + subnet.name() + "' is declared twice in VPC " + vpc.name());
            }
            Ipv4Prefix block = block(subnet.cidrBlock(), subnetAt + "/cidrBlock", "subnet");
            if (block != null && vpcBlock != null && !vpcBlock.contains(block)) {
                problem(subnetAt + "/cidrBlock", subnet.cidrBlock() + " is outside the VPC's " + vpcBlock);
                block = null;
            }
            if (block != null) {
                for (Map.Entry<String, Ipv4Prefix> other : subnets.entrySet()) {
                    if (other.getValue() != null && other.getValue().overlaps(block)) {
                        problem(
                                subnetAt + "/cidrBlock",
                                subnet.cidrBlock() + " overlaps subnet " + other.getKey() + " (" + other.getValue()
                                        + ")");
                    }
                }
            }
            subnets.put(subnet.name(), block);
            for (int i = 0; i < subnet.instances().size(); i++) {
                checkInstance(subnet.instances().get(i), block, addresses, whitelists, subnetAt + "/instances/" + i);
            }
        }
        Set<String> served = new HashSet<>();
        for (int n = 0; n < vpc.natGateways().size(); n++) {
            NatGatewayDecl nat = vpc.natGateways().get(n);
            String natAt = at + "/natGateways/" + n;
            nameForTargets(natGateways, nat.name(), natAt + "/name", "NAT gateway");
            if (!subnets.containsKey(nat.subnet())) {
                problem(natAt + "/subnet", "no subnet named '" + nat.subnet() + "' in VPC " + vpc.name());
            }
            for (int s = 0; s < nat.subnets().size(); s++) {
                String associated = nat.subnets().get(s);
                if (!subnets.containsKey(associated)) {
                    problem(natAt + "/subnets/" + s, "no subnet named '" + associated + "' in VPC " + vpc.name());
                } else if (associated.equals(nat.subnet())) {
                    problem(natAt + "/subnets/" + s, "a NAT gateway cannot serve its own subnet " + associated);
                } else if (!served.add(associated)) {
                    problem(
                            natAt + "/subnets/" + s,
                            "subnet " + associated + " is already served by another NAT gateway");
                }
            }
            policyWhitelist("WHITELIST".equals(nat.egressPolicy()), nat.whitelist(), whitelists, natAt, "egressPolicy");
            if (nat.eip() != null) {
                checkEip(nat.eip(), whitelists, natAt + "/eip");
            }
        }
        checkRouteTables(vpc, subnets, served, at);
    }

    /**
     * Route tables: names unique in the VPC; routes with one target each, unique destinations, not
     * a VPC block (the local route is fixed), NAT gateways and instances of this VPC; a subnet in at
     * most one table, and not also served by a NAT gateway of the file (both would set its table).
     */
    private void checkRouteTables(VpcDecl vpc, Map<String, Ipv4Prefix> subnets, Set<String> served, String at) {
        Set<String> vpcInstances = new HashSet<>();
        vpc.subnets().forEach(s -> s.instances().forEach(i -> vpcInstances.add(i.name())));
        Set<String> vpcNatGateways = new HashSet<>();
        vpc.natGateways().forEach(n -> vpcNatGateways.add(n.name()));
        Set<String> tableNames = new HashSet<>();
        Set<String> associated = new HashSet<>();
        for (int t = 0; t < vpc.routeTables().size(); t++) {
            RouteTableDecl table = vpc.routeTables().get(t);
            String tableAt = at + "/routeTables/" + t;
            unique(tableNames, table.name(), tableAt + "/name", "route table");
            Set<Ipv4Prefix> destinations = new HashSet<>();
            for (int r = 0; r < table.routes().size(); r++) {
                TableRouteDecl route = table.routes().get(r);
                String routeAt = tableAt + "/routes/" + r;
                Ipv4Prefix destination = block(route.destination(), routeAt + "/destination", null);
                if (destination != null && !destinations.add(destination)) {
                    problem(
                            routeAt + "/destination",
                            "route table " + table.name() + " routes " + destination + " twice");
                }
                if (destination != null && destination.toString().equals(vpc.cidrBlock())) {
                    problem(routeAt + "/destination", "the local route to " + destination + " is implicit and fixed");
                }
                int targets = (route.natGateway() == null ? 0 : 1)
                        + (route.instance() == null ? 0 : 1)
                        + (Boolean.TRUE.equals(route.blackhole()) ? 1 : 0);
                if (targets != 1) {
                    problem(routeAt, "a route needs exactly one of natGateway, instance or blackhole: true");
                }
                if (route.natGateway() != null && !vpcNatGateways.contains(route.natGateway())) {
                    problem(
                            routeAt + "/natGateway",
                            "no NAT gateway named '" + route.natGateway() + "' in VPC " + vpc.name());
                }
                if (route.natGateway() != null && destination != null && destination.length() != 0) {
                    problem(routeAt + "/destination", "a route to a NAT gateway must be 0.0.0.0/0");
                }
                if (route.instance() != null && !vpcInstances.contains(route.instance())) {
                    problem(routeAt + "/instance", "no instance named '" + route.instance() + "' in VPC " + vpc.name());
                }
            }
            for (int s = 0; s < table.subnets().size(); s++) {
                String subnet = table.subnets().get(s);
                String subnetAt = tableAt + "/subnets/" + s;
                if (!subnets.containsKey(subnet)) {
                    problem(subnetAt, "no subnet named '" + subnet + "' in VPC " + vpc.name());
                } else if (!associated.add(subnet)) {
                    problem(subnetAt, "subnet " + subnet + " is already associated with another route table");
                } else if (served.contains(subnet)) {
                    problem(
                            subnetAt,
                            "subnet " + subnet + " is served by a NAT gateway of this file, which gives it"
                                    + " the gateway's table: route it to the gateway in this table instead");
                }
            }
        }
    }

    private void checkInstance(
            InstanceDecl instance, Ipv4Prefix subnet, Set<Long> vpcAddresses, Set<String> whitelists, String at) {
        if (instances.containsKey(instance.name()) || natGateways.contains(instance.name())) {
            problem(
                    at + "/name",
                    "instance name '" + instance.name() + "' is used twice in this file (expectations name instances)");
        }
        instances.put(instance.name(), instance.eip() != null);
        if (internetHosts.contains(instance.name())) {
            problem(
                    at + "/name",
                    "'" + instance.name() + "' is also an internet host: expectations could not tell them apart");
        }
        if (instance.privateIpAddress() != null) {
            Long ip = address(instance.privateIpAddress(), at + "/privateIpAddress");
            if (ip != null && subnet != null) {
                if (!subnet.contains(ip)) {
                    problem(at + "/privateIpAddress", instance.privateIpAddress() + " is outside the subnet " + subnet);
                } else if (SubnetReservations.isReserved(subnet, ip)) {
                    problem(
                            at + "/privateIpAddress",
                            instance.privateIpAddress() + " is reserved in " + subnet
                                    + " (network, gateway, two more and broadcast)");
                } else if (!vpcAddresses.add(ip)) {
                    problem(
                            at + "/privateIpAddress",
                            instance.privateIpAddress() + " is given to two instances of this VPC");
                }
            }
        }
        if (instance.eip() != null) {
            checkEip(instance.eip(), whitelists, at + "/eip");
        }
    }

    private void checkEip(EipDecl eip, Set<String> whitelists, String at) {
        policyWhitelist("WHITELIST".equals(eip.ingressPolicy()), eip.whitelist(), whitelists, at, "ingressPolicy");
    }

    private void policyWhitelist(
            boolean whitelistPolicy, String whitelist, Set<String> whitelists, String at, String policyField) {
        if (whitelistPolicy && whitelist == null) {
            problem(at + "/" + policyField, policyField + " WHITELIST needs a whitelist");
        } else if (!whitelistPolicy && whitelist != null) {
            problem(at + "/whitelist", "a whitelist is used only with " + policyField + " WHITELIST");
        } else if (whitelist != null && !whitelists.contains(whitelist)) {
            problem(at + "/whitelist", "no whitelist named '" + whitelist + "' in this tenant");
        }
    }

    private void checkPeerings() {
        Set<String> pairs = new HashSet<>();
        for (int p = 0; p < topology.peerings().size(); p++) {
            PeeringDecl peering = topology.peerings().get(p);
            String at = "/peerings/" + p;
            Ipv4Prefix requester = vpcs.get(peering.requester());
            Ipv4Prefix accepter = vpcs.get(peering.accepter());
            if (!vpcs.containsKey(peering.requester())) {
                problem(at + "/requester", "no VPC '" + peering.requester() + "' (tenant/vpc) in this file");
            }
            if (!vpcs.containsKey(peering.accepter())) {
                problem(at + "/accepter", "no VPC '" + peering.accepter() + "' (tenant/vpc) in this file");
            }
            if (peering.requester().equals(peering.accepter())) {
                problem(at + "/accepter", "a VPC cannot peer with itself");
            } else if (requester != null && accepter != null && requester.overlaps(accepter)) {
                problem(
                        at + "/accepter",
                        "the VPCs overlap (" + requester + ", " + accepter + "): InvalidVpcPeeringConnection.Overlap");
            }
            String pair = peering.requester().compareTo(peering.accepter()) < 0
                    ? peering.requester() + "|" + peering.accepter()
                    : peering.accepter() + "|" + peering.requester();
            if (!pairs.add(pair)) {
                problem(at, "these two VPCs are already peered above");
            }
        }
    }

    private void checkExpectation(Expectation expectation, String at) {
        isolation.checkDecidedBy(expectation, at);
        if (!instances.containsKey(expectation.from())
                && !internetHosts.contains(expectation.from())
                && !vpn.isSiteHost(expectation.from())) {
            problem(
                    at + "/from",
                    "no instance, internet host or on-premises site host named '" + expectation.from()
                            + "' in this file");
        }
        String to = expectation.to();
        if (to.startsWith("eip:")) {
            String owner = to.substring(4);
            if (!natGateways.contains(owner) && !Boolean.TRUE.equals(instances.get(owner))) {
                problem(
                        at + "/to",
                        "'" + owner + "' is neither an instance with an eip nor a NAT gateway of this file");
            }
        } else if (!instances.containsKey(to)
                && !internetHosts.contains(to)
                && !vpn.isSiteHost(to)
                && Ipv4Prefix.parseAddress(to) == null) {
            problem(at + "/to", "'" + to + "' is not an instance, an internet host, eip:NAME or an IPv4 address");
        }
        boolean ping = expectation.probe().equals("ping");
        if (ping && expectation.port() != null) {
            problem(at + "/port", "a ping has no port");
        }
        if (!ping && expectation.port() == null) {
            problem(at + "/probe", "a " + expectation.probe() + " probe needs a port");
        }
        boolean reachability = expectation.outcome().equals("reachable")
                || expectation.outcome().equals("unreachable");
        if (ping && !reachability) {
            problem(at + "/outcome", "a ping is reachable or unreachable, not " + expectation.outcome());
        }
        if (!ping && reachability) {
            problem(
                    at + "/outcome",
                    "a " + expectation.probe() + " port is open, closed or filtered, not " + expectation.outcome());
        }
    }

    private Ipv4Prefix block(String cidr, String at, String what) {
        Ipv4Prefix block = Ipv4Prefix.parseOrNull(cidr);
        if (block == null) {
            problem(at, "'" + cidr + "' is not an IPv4 CIDR");
            return null;
        }
        if (block.first() != Ipv4Prefix.parseAddress(cidr.substring(0, cidr.indexOf('/')))) {
            problem(at, cidr + " has host bits set; write " + block);
            return null;
        }
        if (what != null && !CidrBlockLimits.allows(block.length())) {
            problem(
                    at,
                    "a " + what + " CIDR must be /" + CidrBlockLimits.SHORTEST_PREFIX + " to /"
                            + CidrBlockLimits.LONGEST_PREFIX + ", not /" + block.length());
            return null;
        }
        return block;
    }

    private Long address(String text, String at) {
        Long address = Ipv4Prefix.parseAddress(text);
        if (address == null) {
            problem(at, "'" + text + "' is not an IPv4 address");
        }
        return address;
    }

    private void unique(Set<String> seen, String name, String at, String what) {
        if (!seen.add(name)) {
            problem(at, what + " '" + name + "' is declared twice");
        }
    }

    private void nameForTargets(Set<String> seen, String name, String at, String what) {
        if (!seen.add(name) || instances.containsKey(name)) {
            problem(at, what + " name '" + name + "' is used twice in this file (eip:NAME must name one thing)");
        }
    }

    private void problem(String pointer, String message) {
        problems.add(locations.problem(pointer, message));
    }
}
