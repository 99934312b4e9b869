package io.vpclab.topology;

import io.vpclab.net.Ipv4Prefix;
import io.vpclab.topology.Topology.AclEntryDecl;
import io.vpclab.topology.Topology.DecidedBy;
import io.vpclab.topology.Topology.Expectation;
import io.vpclab.topology.Topology.GroupRuleDecl;
import io.vpclab.topology.Topology.InstanceDecl;
import io.vpclab.topology.Topology.NetworkAclDecl;
import io.vpclab.topology.Topology.RouteTableDecl;
import io.vpclab.topology.Topology.SecurityGroupDecl;
import io.vpclab.topology.Topology.SubnetDecl;
import io.vpclab.topology.Topology.TenantDecl;
import io.vpclab.topology.Topology.VpcDecl;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The isolation tools of a topology file, checked as the API would refuse them (RULES.md, security
 * group and network ACL): security groups and their rules (group references of this VPC or of a
 * VPC the file peers), instances' groups, custom ACLs and their entries, and expectations'
 * decidedBy against what the file declares and the outcome it expects.
 */
final class IsolationChecks {

    /** The VPC's own group: every VPC has it, files never declare it. */
    static final String DEFAULT_GROUP = "default";
    /** The final deny every ACL ends with, as the API numbers it. */
    static final int FINAL_DENY = 32767;

    private final BiConsumer<String, String> problem;
    /** "tenant/vpc" -> the VPC as declared. */
    private final Map<String, VpcDecl> vpcs = new HashMap<>();
    /** Instance name -> "tenant/vpc". */
    private final Map<String, String> instanceVpcs = new HashMap<>();
    /** Unordered pairs of "tenant/vpc" peered in the file. */
    private final Set<Set<String>> peered = new HashSet<>();

    IsolationChecks(Topology topology, BiConsumer<String, String> problem) {
        this.problem = problem;
        for (TenantDecl tenant : topology.tenants()) {
            for (VpcDecl vpc : tenant.vpcs()) {
                String path = tenant.name() + "/" + vpc.name();
                vpcs.putIfAbsent(path, vpc);
                vpc.subnets().forEach(s -> s.instances().forEach(i -> instanceVpcs.putIfAbsent(i.name(), path)));
            }
        }
        topology.peerings().forEach(p -> peered.add(Set.of(p.requester(), p.accepter())));
    }

    /** Security groups, instances' groups and ACLs of one VPC ({@code at} is its JSON pointer). */
    void checkVpc(String vpcPath, VpcDecl vpc, String at) {
        Set<String> groupNames = new HashSet<>();
        for (int g = 0; g < vpc.securityGroups().size(); g++) {
            SecurityGroupDecl group = vpc.securityGroups().get(g);
            String groupAt = at + "/securityGroups/" + g;
            if (DEFAULT_GROUP.equals(group.name())) {
                problem.accept(groupAt + "/name", "'default' is the VPC's own group; it is not declared");
            } else if (!groupNames.add(group.name())) {
                problem.accept(
                        groupAt + "/name",
                        "security group '" + group.name() + "' is declared twice (InvalidGroup.Duplicate)");
            }
            Set<String> ruleNames = new HashSet<>();
            Set<String> ruleKeys = new HashSet<>();
            checkRules(vpcPath, group.inbound(), groupAt + "/inbound", "in", ruleNames, ruleKeys);
            checkRules(vpcPath, group.outbound(), groupAt + "/outbound", "out", ruleNames, ruleKeys);
        }
        for (int s = 0; s < vpc.subnets().size(); s++) {
            SubnetDecl subnet = vpc.subnets().get(s);
            for (int i = 0; i < subnet.instances().size(); i++) {
                InstanceDecl instance = subnet.instances().get(i);
                for (int n = 0; n < instance.securityGroups().size(); n++) {
                    String name = instance.securityGroups().get(n);
                    if (!DEFAULT_GROUP.equals(name) && !declaresGroup(vpc, name)) {
                        problem.accept(
                                at + "/subnets/" + s + "/instances/" + i + "/securityGroups/" + n,
                                "no security group named '" + name + "' in VPC " + vpc.name());
                    }
                }
            }
        }
        checkAcls(vpc, at);
    }

    private void checkRules(
            String vpcPath,
            List<GroupRuleDecl> rules,
            String at,
            String direction,
            Set<String> names,
            Set<String> keys) {
        for (int r = 0; r < rules.size(); r++) {
            GroupRuleDecl rule = rules.get(r);
            String ruleAt = at + "/" + r;
            if (rule.name() != null && !names.add(rule.name())) {
                problem.accept(ruleAt + "/name", "two rules of this group are named '" + rule.name() + "'");
            }
            if ((rule.cidrBlock() == null) == (rule.group() == null)) {
                problem.accept(ruleAt, "a rule needs exactly one of cidrBlock and group");
            }
            ports(rule.protocol(), rule.fromPort(), rule.toPort(), ruleAt);
            if (rule.group() != null) {
                checkGroupReference(vpcPath, rule.group(), ruleAt + "/group");
            }
            String key = direction + " " + rule.protocol() + " " + rule.fromPort() + "-" + rule.toPort() + " "
                    + rule.cidrBlock() + " " + rule.group();
            if (!keys.add(key)) {
                problem.accept(ruleAt, "the same rule is written twice (InvalidPermission.Duplicate)");
            }
        }
    }

    private void checkGroupReference(String vpcPath, String reference, String at) {
        int slash = reference.lastIndexOf('/');
        if (slash < 0) {
            if (!DEFAULT_GROUP.equals(reference) && !declaresGroup(vpcs.get(vpcPath), reference)) {
                problem.accept(at, "no security group named '" + reference + "' in this VPC");
            }
            return;
        }
        String otherPath = reference.substring(0, slash);
        String name = reference.substring(slash + 1);
        VpcDecl other = vpcs.get(otherPath);
        if (other == null) {
            problem.accept(at, "no VPC '" + otherPath + "' (tenant/vpc) in this file");
        } else if (otherPath.equals(vpcPath)) {
            problem.accept(at, "a group of this VPC is named without tenant/vpc/");
        } else if (!peered.contains(Set.of(vpcPath, otherPath))) {
            problem.accept(
                    at,
                    "VPC " + otherPath + " is not peered with " + vpcPath
                            + " in this file: its groups cannot be named");
        } else if (!DEFAULT_GROUP.equals(name) && !declaresGroup(other, name)) {
            problem.accept(at, "no security group named '" + name + "' in VPC " + otherPath);
        }
    }

    private void checkAcls(VpcDecl vpc, String at) {
        Set<String> subnetNames = new HashSet<>();
        vpc.subnets().forEach(s -> subnetNames.add(s.name()));
        Set<String> aclNames = new HashSet<>();
        Set<String> associated = new HashSet<>();
        for (int a = 0; a < vpc.networkAcls().size(); a++) {
            NetworkAclDecl acl = vpc.networkAcls().get(a);
            String aclAt = at + "/networkAcls/" + a;
            if (!aclNames.add(acl.name())) {
                problem.accept(aclAt + "/name", "network ACL '" + acl.name() + "' is declared twice");
            }
            for (int s = 0; s < acl.subnets().size(); s++) {
                String subnet = acl.subnets().get(s);
                if (!subnetNames.contains(subnet)) {
                    problem.accept(aclAt + "/subnets/" + s, "no subnet named '" + subnet + "' in VPC " + vpc.name());
                } else if (!associated.add(subnet)) {
                    problem.accept(
                            aclAt + "/subnets/" + s,
                            "subnet " + subnet + " already has another network ACL (a subnet has one)");
                }
            }
            checkEntries(acl.inbound(), aclAt + "/inbound");
            checkEntries(acl.outbound(), aclAt + "/outbound");
        }
    }

    private void checkEntries(List<AclEntryDecl> entries, String at) {
        Set<Integer> numbers = new HashSet<>();
        for (int e = 0; e < entries.size(); e++) {
            AclEntryDecl entry = entries.get(e);
            String entryAt = at + "/" + e;
            if (!numbers.add(entry.rule())) {
                problem.accept(
                        entryAt + "/rule",
                        "rule " + entry.rule() + " is used twice in this direction (NetworkAclEntryAlreadyExists)");
            }
            ports(entry.protocol(), entry.fromPort(), entry.toPort(), entryAt);
        }
    }

    /** tcp and udp need a port range (as the API does), the others take none. */
    private void ports(String protocol, Integer fromPort, Integer toPort, String at) {
        boolean transport = "tcp".equals(protocol) || "udp".equals(protocol);
        if (transport && (fromPort == null || toPort == null)) {
            problem.accept(at, "a " + protocol + " rule needs fromPort and toPort");
        }
        if (!transport && (fromPort != null || toPort != null)) {
            problem.accept(at + "/protocol", "ports are only for tcp and udp rules, not " + protocol);
        }
        if (fromPort != null && toPort != null && fromPort > toPort) {
            problem.accept(at + "/fromPort", "fromPort " + fromPort + " is above toPort " + toPort);
        }
    }

    /** decidedBy names something the file declares on the path, and fits the expected outcome. */
    void checkDecidedBy(Expectation expectation, String expectationAt) {
        DecidedBy by = expectation.decidedBy();
        if (by == null) {
            return;
        }
        String at = expectationAt + "/decidedBy";
        int kinds = (by.securityGroup() == null ? 0 : 1)
                + (by.networkAcl() == null ? 0 : 1)
                + (by.routeTable() == null ? 0 : 1);
        if (kinds != 1) {
            problem.accept(at, "decidedBy names exactly one of securityGroup, networkAcl or routeTable");
            return;
        }
        boolean passes = expectation.outcome().equals("reachable")
                || expectation.outcome().equals("open")
                || expectation.outcome().equals("closed");
        if (by.direction() != null && by.networkAcl() == null) {
            problem.accept(at + "/direction", "direction is for a networkAcl entry");
        }
        if (by.route() != null && by.routeTable() == null) {
            problem.accept(at + "/route", "route is for a routeTable");
        }
        List<String> path = pathVpcs(expectation);
        if (by.securityGroup() != null) {
            checkGroupDecision(by, passes, path, at);
        } else if (by.networkAcl() != null) {
            checkAclDecision(by, passes, path, at);
        } else {
            checkRouteDecision(by, passes, expectation, at);
        }
    }

    private void checkGroupDecision(DecidedBy by, boolean passes, List<String> path, String at) {
        SecurityGroupDecl group = path.stream()
                .map(vpcs::get)
                .flatMap(v -> v.securityGroups().stream())
                .filter(g -> g.name().equals(by.securityGroup()))
                .findFirst()
                .orElse(null);
        if (group == null && !DEFAULT_GROUP.equals(by.securityGroup())) {
            problem.accept(
                    at + "/securityGroup", "no security group '" + by.securityGroup() + "' in the VPC of from or to");
            return;
        }
        if (by.rule() == null) {
            if (passes) {
                problem.accept(
                        at, "a security group without rule decides a refusal: the outcome is unreachable or filtered");
            }
            return;
        }
        if (!passes) {
            problem.accept(at + "/rule", "a security group rule only admits: the outcome is reachable, open or closed");
        }
        boolean named = group != null
                && (group.inbound().stream().anyMatch(r -> by.rule().equals(r.name()))
                        || group.outbound().stream().anyMatch(r -> by.rule().equals(r.name())));
        if (!named) {
            problem.accept(
                    at + "/rule", "security group " + by.securityGroup() + " has no rule named '" + by.rule() + "'");
        }
    }

    private void checkAclDecision(DecidedBy by, boolean passes, List<String> path, String at) {
        NetworkAclDecl acl = path.stream()
                .map(vpcs::get)
                .flatMap(v -> v.networkAcls().stream())
                .filter(a -> a.name().equals(by.networkAcl()))
                .findFirst()
                .orElse(null);
        if (acl == null) {
            problem.accept(at + "/networkAcl", "no network ACL '" + by.networkAcl() + "' in the VPC of from or to");
            return;
        }
        Integer number = ruleNumber(by.rule());
        if (number == null) {
            problem.accept(
                    at + "/rule", "a network ACL decision names its entry's rule number (32767: the final deny)");
            return;
        }
        if (number == FINAL_DENY) {
            if (passes) {
                problem.accept(at + "/rule", "the final deny refuses: the outcome is unreachable or filtered");
            }
            return;
        }
        List<AclEntryDecl> entries = new java.util.ArrayList<>();
        if (!"outbound".equals(by.direction())) {
            entries.addAll(acl.inbound());
        }
        if (!"inbound".equals(by.direction())) {
            entries.addAll(acl.outbound());
        }
        AclEntryDecl entry = entries.stream()
                .filter(e -> e.rule().equals(number))
                .findFirst()
                .orElse(null);
        if (entry == null) {
            problem.accept(
                    at + "/rule",
                    "network ACL " + acl.name() + " has no entry " + number
                            + (by.direction() == null ? "" : " " + by.direction()));
        } else if (entry.action().equals("deny") && passes) {
            problem.accept(at + "/rule", "entry " + number + " denies: the outcome is unreachable or filtered");
        }
    }

    private void checkRouteDecision(DecidedBy by, boolean passes, Expectation expectation, String at) {
        String fromVpc = instanceVpcs.get(expectation.from());
        RouteTableDecl table = fromVpc == null
                ? null
                : vpcs.get(fromVpc).routeTables().stream()
                        .filter(t -> t.name().equals(by.routeTable()))
                        .findFirst()
                        .orElse(null);
        if (table == null) {
            problem.accept(at + "/routeTable", "no route table '" + by.routeTable() + "' in the VPC of from");
            return;
        }
        if (by.route() == null) {
            problem.accept(at, "a route table decision names its route's destination (route:)");
            return;
        }
        Ipv4Prefix destination = Ipv4Prefix.parseOrNull(by.route());
        var route = table.routes().stream()
                .filter(r -> destination != null && destination.equals(Ipv4Prefix.parseOrNull(r.destination())))
                .findFirst()
                .orElse(null);
        if (route == null) {
            problem.accept(at + "/route", "route table " + table.name() + " has no route to " + by.route());
        } else if (Boolean.TRUE.equals(route.blackhole()) && passes) {
            problem.accept(at + "/route", "a blackhole route drops: the outcome is unreachable or filtered");
        }
    }

    /** The VPCs of the expectation's target and source instances (target first: its ingress decides first). */
    private List<String> pathVpcs(Expectation expectation) {
        String to = expectation.to().startsWith("eip:") ? expectation.to().substring(4) : expectation.to();
        List<String> path = new java.util.ArrayList<>();
        if (instanceVpcs.containsKey(to)) {
            path.add(instanceVpcs.get(to));
        }
        String from = instanceVpcs.get(expectation.from());
        if (from != null && !path.contains(from)) {
            path.add(from);
        }
        return path;
    }

    static Integer ruleNumber(String rule) {
        if (rule == null) {
            return null;
        }
        if (rule.equals("*")) {
            return FINAL_DENY;
        }
        try {
            return Integer.valueOf(rule);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean declaresGroup(VpcDecl vpc, String name) {
        return vpc != null
                && vpc.securityGroups().stream().anyMatch(g -> g.name().equals(name));
    }
}
