package io.vpclab.topology.apply;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.NetworkAclsApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.model.InstanceSecurityGroupsUpdate;
import io.vpclab.client.model.NetworkAcl;
import io.vpclab.client.model.NetworkAclAssociation;
import io.vpclab.client.model.NetworkAclCreate;
import io.vpclab.client.model.NetworkAclEntry;
import io.vpclab.client.model.NetworkAclEntryCreate;
import io.vpclab.client.model.SecurityGroup;
import io.vpclab.client.model.SecurityGroupCreate;
import io.vpclab.client.model.SecurityGroupRule;
import io.vpclab.client.model.SecurityGroupRuleCreate;
import io.vpclab.client.model.SecurityGroupRuleDirection;
import io.vpclab.client.model.TopologyChangeAction;
import io.vpclab.topology.Topology.AclEntryDecl;
import io.vpclab.topology.Topology.GroupRuleDecl;
import io.vpclab.topology.Topology.InstanceDecl;
import io.vpclab.topology.Topology.NetworkAclDecl;
import io.vpclab.topology.Topology.SecurityGroupDecl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Security groups, instances' groups and network ACLs. Groups are found by name in their VPC and
 * created (empty) before the VPC's instances, which launch with their groups; rules are brought to
 * the file's after the peerings exist, since a rule may name a peered VPC's group. A custom ACL has
 * no name in the API: it is found again as the custom ACL associated with one of its subnets.
 */
final class IsolationReconciler {

    private static final String DEFAULT_GROUP = "default";
    /** The API lists every ACL's final deny as entry 32767; it is not the file's to change. */
    private static final int FINAL_DENY = 32767;

    private final SecurityGroupsApi groups;
    private final NetworkAclsApi acls;
    private final ChangeLog log;
    private final Applied applied;

    IsolationReconciler(ApiClient api, ChangeLog log, Applied applied) {
        this.groups = new SecurityGroupsApi(api);
        this.acls = new NetworkAclsApi(api);
        this.log = log;
        this.applied = applied;
    }

    /** The VPC's groups by name (its default group as "default"), the file's created when missing. */
    void groups(String vpcPath, List<SecurityGroupDecl> decls) throws ApiException {
        String vpcId = applied.vpcIds.get(vpcPath);
        List<SecurityGroup> all = Pages.all(
                t -> groups.listSecurityGroups(vpcId, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        for (SecurityGroup group : all) {
            applied.groupIds.put(
                    vpcPath + "/" + (Boolean.TRUE.equals(group.getIsDefault()) ? DEFAULT_GROUP : group.getGroupName()),
                    group.getGroupId());
        }
        for (SecurityGroupDecl decl : decls) {
            String path = vpcPath + "/" + decl.name();
            if (applied.groupIds.containsKey(path)) {
                log.unchanged();
                continue;
            }
            SecurityGroup created = groups.createSecurityGroup(new SecurityGroupCreate()
                    .vpcId(vpcId)
                    .groupName(decl.name())
                    .description(decl.description()));
            String id = created.getGroupId();
            log.created("securityGroup", path, id, () -> groups.deleteSecurityGroup(id));
            applied.groupIds.put(path, id);
        }
    }

    /** The group IDs an instance launches with: the file's, or null for the VPC's default group. */
    List<String> launchGroups(String vpcPath, InstanceDecl decl) {
        if (decl.securityGroups().isEmpty()) {
            return null;
        }
        return decl.securityGroups().stream()
                .map(name -> applied.groupIds.get(vpcPath + "/" + name))
                .toList();
    }

    /** An instance that existed keeps running; its groups become the file's (the default group when absent). */
    void instanceGroups(String vpcPath, InstanceDecl decl) throws ApiException {
        String instanceId = applied.instances.get(decl.name()).getInstanceId();
        List<String> wanted = decl.securityGroups().isEmpty()
                ? List.of(applied.groupIds.get(vpcPath + "/" + DEFAULT_GROUP))
                : launchGroups(vpcPath, decl);
        List<String> present = groups.getInstanceSecurityGroups(instanceId).getSecurityGroupIds();
        if (new HashSet<>(present).equals(new HashSet<>(wanted))) {
            log.unchanged();
            return;
        }
        groups.replaceInstanceSecurityGroups(instanceId, new InstanceSecurityGroupsUpdate().securityGroupIds(wanted));
        log.changed(TopologyChangeAction.UPDATED, "instance", decl.name(), instanceId, "security groups " + wanted);
    }

    /** The group's rules become the file's: missing ones authorized, others revoked, a renamed one replaced. */
    void rules(String vpcPath, SecurityGroupDecl decl) throws ApiException {
        String path = vpcPath + "/" + decl.name();
        String groupId = applied.groupIds.get(path);
        SecurityGroup group = groups.getSecurityGroup(groupId);
        Map<String, SecurityGroupRule> present = new HashMap<>();
        List<SecurityGroupRule> existing = new ArrayList<>(group.getIngressRules());
        existing.addAll(group.getEgressRules());
        existing.forEach(rule -> present.put(key(rule), rule));
        List<SecurityGroupRuleCreate> wanted = new ArrayList<>();
        decl.inbound().forEach(rule -> wanted.add(create(vpcPath, rule, SecurityGroupRuleDirection.INGRESS)));
        decl.outbound().forEach(rule -> wanted.add(create(vpcPath, rule, SecurityGroupRuleDirection.EGRESS)));
        // revocations first: a rule whose name changed is the same permission, which may exist only once
        for (SecurityGroupRule rule : existing) {
            SecurityGroupRuleCreate match = wanted.stream()
                    .filter(w -> key(w).equals(key(rule)))
                    .findFirst()
                    .orElse(null);
            if (match == null
                    || !Objects.equals(blankToNull(match.getDescription()), blankToNull(rule.getDescription()))) {
                groups.revokeSecurityGroupRule(groupId, rule.getSecurityGroupRuleId());
                present.remove(key(rule));
                log.changed(TopologyChangeAction.UPDATED, "securityGroup", path, groupId, "rule revoked: " + key(rule));
            }
        }
        for (SecurityGroupRuleCreate rule : wanted) {
            if (present.containsKey(key(rule))) {
                log.unchanged();
                continue;
            }
            SecurityGroup after = groups.authorizeSecurityGroupRule(groupId, rule);
            String ruleId = rules(after).stream()
                    .filter(r -> key(r).equals(key(rule)))
                    .map(SecurityGroupRule::getSecurityGroupRuleId)
                    .findFirst()
                    .orElseThrow();
            log.created(
                    "securityGroupRule",
                    path + " " + key(rule),
                    ruleId,
                    () -> groups.revokeSecurityGroupRule(groupId, ruleId));
        }
    }

    /** A custom ACL: found by its subnets or created, its entries made the file's, its subnets associated. */
    void networkAcl(String vpcPath, NetworkAclDecl decl) throws ApiException {
        String vpcId = applied.vpcIds.get(vpcPath);
        String path = vpcPath + "/" + decl.name();
        List<NetworkAcl> all = Pages.all(
                t -> acls.listNetworkAcls(vpcId, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        String defaultAclId = all.stream()
                .filter(a -> Boolean.TRUE.equals(a.getIsDefault()))
                .map(NetworkAcl::getNetworkAclId)
                .findFirst()
                .orElseThrow();
        List<String> subnetIds = decl.subnets().stream()
                .map(s -> applied.subnetIds.get(vpcPath + "/" + s))
                .toList();
        NetworkAcl acl = all.stream()
                .filter(a -> !Boolean.TRUE.equals(a.getIsDefault()))
                .filter(a -> a.getSubnetIds().stream().anyMatch(subnetIds::contains))
                .findFirst()
                .orElse(null);
        if (acl == null) {
            acl = acls.createNetworkAcl(new NetworkAclCreate().vpcId(vpcId));
            String id = acl.getNetworkAclId();
            log.created("networkAcl", path, id, () -> acls.deleteNetworkAcl(id));
        } else {
            log.unchanged();
        }
        String aclId = acl.getNetworkAclId();
        applied.aclIds.put(path, aclId);
        syncEntries(acl, decl, path);
        for (int i = 0; i < subnetIds.size(); i++) {
            String subnetId = subnetIds.get(i);
            if (acl.getSubnetIds().contains(subnetId)) {
                continue;
            }
            String previous = all.stream()
                    .filter(a -> a.getSubnetIds().contains(subnetId))
                    .map(NetworkAcl::getNetworkAclId)
                    .findFirst()
                    .orElse(defaultAclId);
            acls.replaceNetworkAclAssociation(subnetId, new NetworkAclAssociation().networkAclId(aclId));
            log.created(
                    "networkAclAssociation",
                    path + " -> " + decl.subnets().get(i),
                    subnetId,
                    () -> acls.replaceNetworkAclAssociation(
                            subnetId, new NetworkAclAssociation().networkAclId(previous)));
        }
    }

    private void syncEntries(NetworkAcl acl, NetworkAclDecl decl, String path) throws ApiException {
        String aclId = acl.getNetworkAclId();
        Map<String, NetworkAclEntry> present = new HashMap<>();
        for (NetworkAclEntry entry : acl.getEntries()) {
            if (entry.getRuleNumber() < FINAL_DENY) {
                present.put(entry.getDirection().getValue() + "/" + entry.getRuleNumber(), entry);
            }
        }
        List<NetworkAclEntryCreate> wanted = new ArrayList<>();
        decl.inbound().forEach(e -> wanted.add(create(e, SecurityGroupRuleDirection.INGRESS)));
        decl.outbound().forEach(e -> wanted.add(create(e, SecurityGroupRuleDirection.EGRESS)));
        for (NetworkAclEntryCreate entry : wanted) {
            String slot = entry.getDirection().getValue() + "/" + entry.getRuleNumber();
            NetworkAclEntry existing = present.remove(slot);
            if (existing != null && same(existing, entry)) {
                log.unchanged();
                continue;
            }
            if (existing != null) {
                acls.deleteNetworkAclEntry(aclId, entry.getDirection().getValue(), entry.getRuleNumber());
            }
            acls.createNetworkAclEntry(aclId, entry);
            if (existing == null) {
                log.created(
                        "networkAclEntry",
                        path + " " + slot,
                        aclId,
                        () -> acls.deleteNetworkAclEntry(
                                aclId, entry.getDirection().getValue(), entry.getRuleNumber()));
            } else {
                log.changed(TopologyChangeAction.UPDATED, "networkAcl", path, aclId, "entry " + slot + " replaced");
            }
        }
        for (NetworkAclEntry extra : present.values()) {
            acls.deleteNetworkAclEntry(aclId, extra.getDirection().getValue(), extra.getRuleNumber());
            log.changed(
                    TopologyChangeAction.UPDATED,
                    "networkAcl",
                    path,
                    aclId,
                    "entry " + extra.getDirection().getValue() + "/" + extra.getRuleNumber() + " removed");
        }
    }

    private SecurityGroupRuleCreate create(String vpcPath, GroupRuleDecl rule, SecurityGroupRuleDirection direction) {
        SecurityGroupRuleCreate create = new SecurityGroupRuleCreate()
                .direction(direction)
                .ipProtocol(protocol(rule.protocol()))
                .fromPort(ports(rule.protocol(), rule.fromPort()))
                .toPort(ports(rule.protocol(), rule.toPort()))
                .cidrIp(rule.cidrBlock())
                .description(rule.name());
        if (rule.group() != null) {
            String reference = rule.group().contains("/") ? rule.group() : vpcPath + "/" + rule.group();
            create.referencedGroupId(applied.groupIds.get(reference));
        }
        return create;
    }

    private static NetworkAclEntryCreate create(AclEntryDecl entry, SecurityGroupRuleDirection direction) {
        return new NetworkAclEntryCreate()
                .ruleNumber(entry.rule())
                .direction(direction)
                .protocol(protocol(entry.protocol()))
                .ruleAction(NetworkAclEntryCreate.RuleActionEnum.fromValue(entry.action()))
                .cidrBlock(entry.cidrBlock())
                .fromPort(ports(entry.protocol(), entry.fromPort()))
                .toPort(ports(entry.protocol(), entry.toPort()));
    }

    private static boolean same(NetworkAclEntry existing, NetworkAclEntryCreate wanted) {
        return existing.getProtocol().equals(wanted.getProtocol())
                && existing.getRuleAction()
                        .getValue()
                        .equals(wanted.getRuleAction().getValue())
                && existing.getCidrBlock().equals(wanted.getCidrBlock())
                && Objects.equals(existing.getFromPort(), wanted.getFromPort())
                && Objects.equals(existing.getToPort(), wanted.getToPort());
    }

    /** The file's "all" is the API's -1. */
    private static String protocol(String protocol) {
        return protocol.equals("all") ? "-1" : protocol;
    }

    /** ICMP without a type or code means every one (-1), as the API stores it. */
    private static Integer ports(String protocol, Integer port) {
        return protocol.equals("icmp") && port == null ? Integer.valueOf(-1) : port;
    }

    private static List<SecurityGroupRule> rules(SecurityGroup group) {
        List<SecurityGroupRule> all = new ArrayList<>(group.getIngressRules());
        all.addAll(group.getEgressRules());
        return all;
    }

    private static String key(SecurityGroupRule rule) {
        return key(
                rule.getDirection(),
                rule.getIpProtocol(),
                rule.getFromPort(),
                rule.getToPort(),
                rule.getCidrIp(),
                rule.getReferencedGroupId());
    }

    private static String key(SecurityGroupRuleCreate rule) {
        return key(
                rule.getDirection(),
                rule.getIpProtocol(),
                rule.getFromPort(),
                rule.getToPort(),
                rule.getCidrIp(),
                rule.getReferencedGroupId());
    }

    private static String key(
            SecurityGroupRuleDirection direction,
            String protocol,
            Integer from,
            Integer to,
            String cidr,
            String group) {
        return direction.getValue() + " " + protocol + (from == null ? "" : " " + from + "-" + to) + " "
                + (cidr != null ? cidr : group);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
