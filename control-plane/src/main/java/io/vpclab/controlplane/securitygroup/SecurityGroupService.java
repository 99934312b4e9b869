package io.vpclab.controlplane.securitygroup;

import io.vpclab.controlplane.instance.Instance;
import io.vpclab.controlplane.instance.InstanceChanged;
import io.vpclab.controlplane.instance.InstanceLaunching;
import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.peering.PeeringService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.vpc.VpcChanged;
import io.vpclab.controlplane.vpc.VpcDeleting;
import io.vpclab.controlplane.vpc.VpcService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Security groups, their rules and the groups each instance carries. Every change locks the
 * group's VPC first (the lock order of every feature: VPC, then what is inside it).
 */
@Service
public class SecurityGroupService {

    /** AWS's default quota of inbound (and, separately, outbound) rules per group. */
    public static final int MAX_RULES_PER_DIRECTION = 60;
    /** AWS's default quota of groups per network interface. */
    public static final int MAX_GROUPS_PER_INSTANCE = 5;

    private final SecurityGroupRepository groups;
    private final SecurityGroupRuleRepository rules;
    private final InstanceSecurityGroupRepository memberships;
    private final VpcService vpcs;
    private final InstanceService instances;
    private final PeeringService peerings;
    private final ApplicationEventPublisher events;

    SecurityGroupService(
            SecurityGroupRepository groups,
            SecurityGroupRuleRepository rules,
            InstanceSecurityGroupRepository memberships,
            VpcService vpcs,
            InstanceService instances,
            PeeringService peerings,
            ApplicationEventPublisher events) {
        this.groups = groups;
        this.rules = rules;
        this.memberships = memberships;
        this.vpcs = vpcs;
        this.instances = instances;
        this.peerings = peerings;
        this.events = events;
    }

    /** A group with its rules in the order they were added. */
    public record SecurityGroupView(SecurityGroup group, List<SecurityGroupRule> rules) {

        public List<SecurityGroupRule> rules(Permission.Direction direction) {
            return rules.stream()
                    .filter(rule -> rule.permission().direction() == direction)
                    .toList();
        }
    }

    @Transactional
    public SecurityGroupView create(Caller caller, String vpcId, String name, String description) {
        if (vpcId == null || vpcId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "vpcId is required");
        }
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "groupName is required");
        }
        VpcService.VpcView vpc = vpcs.lockForMutation(caller, vpcId);
        if (groups.existsByVpcIdAndName(vpcId, name)) {
            throw ApiException.conflict(
                    "InvalidGroup.Duplicate", "VPC " + vpcId + " already has a security group named '" + name + "'");
        }
        Instant now = Times.now();
        SecurityGroup group = groups.saveAndFlush(new SecurityGroup(
                Ids.newId(Ids.SECURITY_GROUP),
                vpc.tenantId(),
                vpcId,
                name,
                description == null ? "" : description,
                false,
                now));
        rules.saveAndFlush(rule(group.id(), 0, Permission.allEgress(), null, now));
        events.publishEvent(new SecurityGroupChanged(group.id(), vpcId, vpc.tenantId(), ChangeKind.CREATED));
        return view(group);
    }

    @Transactional(readOnly = true)
    public SecurityGroupView get(Caller caller, String groupId) {
        return view(visible(caller, groupId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<SecurityGroupView> list(Caller caller, String vpcId, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                        groups.page(caller.tenantScope(), vpcId, page.afterId(), Limit.of(page.fetchSize())),
                        SecurityGroup::id)
                .map(this::view);
    }

    @Transactional
    public SecurityGroupView authorize(Caller caller, String groupId, Permission permission, String description) {
        SecurityGroup group = lockVisible(caller, groupId);
        if (permission.referencedGroupId() != null) {
            requireReferenceable(group, permission.referencedGroupId());
        }
        List<SecurityGroupRule> existing = rules.findByGroupIdOrderByPosition(groupId);
        long sameDirection = existing.stream()
                .filter(rule -> rule.permission().direction() == permission.direction())
                .count();
        if (sameDirection >= MAX_RULES_PER_DIRECTION) {
            throw ApiException.conflict(
                    "RulesPerSecurityGroupLimitExceeded",
                    "a security group holds at most " + MAX_RULES_PER_DIRECTION + " "
                            + permission.direction().name().toLowerCase() + " rules");
        }
        if (existing.stream().anyMatch(rule -> rule.permission().equals(permission))) {
            throw ApiException.badRequest(
                    "InvalidPermission.Duplicate",
                    "security group " + groupId + " already has the rule " + permission.describe());
        }
        int position =
                existing.isEmpty() ? 0 : existing.get(existing.size() - 1).position() + 1;
        rules.saveAndFlush(rule(groupId, position, permission, description, Times.now()));
        events.publishEvent(new SecurityGroupChanged(groupId, group.vpcId(), group.tenantId(), ChangeKind.UPDATED));
        return view(group);
    }

    @Transactional
    public SecurityGroupView revoke(Caller caller, String groupId, String ruleId) {
        SecurityGroup group = lockVisible(caller, groupId);
        SecurityGroupRule rule = rules.findById(ruleId)
                .filter(r -> r.groupId().equals(groupId))
                .orElseThrow(() -> ApiException.notFound(
                        "InvalidPermission.NotFound", "security group " + groupId + " has no rule " + ruleId));
        rules.delete(rule);
        rules.flush();
        events.publishEvent(new SecurityGroupChanged(groupId, group.vpcId(), group.tenantId(), ChangeKind.UPDATED));
        return view(group);
    }

    @Transactional
    public void delete(Caller caller, String groupId) {
        SecurityGroup group = lockVisible(caller, groupId);
        if (group.isDefault()) {
            throw ApiException.conflict(
                    "CannotDelete", "the default security group of VPC " + group.vpcId() + " cannot be deleted");
        }
        if (memberships.existsByGroupId(groupId)) {
            throw ApiException.dependencyViolation("security group " + groupId + " is used by instances");
        }
        if (rules.existsByReferencedGroupIdAndGroupIdNotIn(groupId, List.of(groupId))) {
            throw ApiException.dependencyViolation(
                    "security group " + groupId + " is referenced by a rule of another security group");
        }
        rules.deleteByGroupId(groupId);
        rules.flush();
        groups.delete(group);
        groups.flush();
        events.publishEvent(new SecurityGroupChanged(groupId, group.vpcId(), group.tenantId(), ChangeKind.DELETED));
    }

    /** A group with its rules and the instances that carry it. */
    public record GroupWithMembers(SecurityGroupView view, List<String> memberInstanceIds) {}

    /** Every group of a VPC with its members (for the compiler), by group ID. */
    @Transactional(readOnly = true)
    public List<GroupWithMembers> ofVpc(String vpcId) {
        List<SecurityGroup> ofVpc = groups.findByVpcId(vpcId).stream()
                .sorted(java.util.Comparator.comparing(SecurityGroup::id))
                .toList();
        java.util.Map<String, List<String>> members = new java.util.HashMap<>();
        memberships
                .findByGroupIdInOrderByInstanceId(
                        ofVpc.stream().map(SecurityGroup::id).toList())
                .forEach(m -> members.computeIfAbsent(m.groupId(), g -> new ArrayList<>())
                        .add(m.instanceId()));
        return ofVpc.stream()
                .map(group -> new GroupWithMembers(view(group), members.getOrDefault(group.id(), List.of())))
                .toList();
    }

    /** The groups an instance carries, by ID. */
    @Transactional(readOnly = true)
    public List<String> groupsOf(Caller caller, String instanceId) {
        Instance instance = instances.get(caller, instanceId);
        return groupIdsOf(instance.id());
    }

    /** Replaces an instance's groups (ModifyInstanceAttribute groupSet): 1..5 groups of its VPC. */
    @Transactional
    public List<String> replaceGroups(Caller caller, String instanceId, List<String> requested) {
        Instance instance = instances.get(caller, instanceId);
        vpcs.lockForMutation(caller, instance.vpcId());
        if (requested == null || requested.isEmpty()) {
            throw ApiException.badRequest("MissingParameter", "securityGroupIds needs at least one group");
        }
        List<String> groupIds = requireGroupsOfVpc(instance.vpcId(), instance.tenantId(), requested);
        memberships.deleteByInstanceId(instanceId);
        memberships.flush();
        store(instanceId, groupIds);
        events.publishEvent(
                new InstanceSecurityGroupsChanged(instanceId, instance.vpcId(), instance.tenantId(), groupIds));
        return groupIdsOf(instanceId);
    }

    /** A new instance carries the groups it was launched with, or its VPC's default group. */
    @EventListener
    void assignOnLaunch(InstanceLaunching launching) {
        List<String> groupIds = launching.securityGroupIds().isEmpty()
                ? List.of(defaultGroupOf(launching.vpcId()).id())
                : requireGroupsOfVpc(launching.vpcId(), launching.tenantId(), launching.securityGroupIds());
        store(launching.instanceId(), groupIds);
    }

    @EventListener
    void forgetTerminatedInstance(InstanceChanged changed) {
        if (changed.kind() == ChangeKind.DELETED) {
            memberships.deleteByInstanceId(changed.instanceId());
            memberships.flush();
        }
    }

    /** Each VPC gets its default group (members reach each other, all egress allowed) as AWS does. */
    @EventListener
    void createDefaultGroup(VpcChanged changed) {
        if (changed.kind() != ChangeKind.CREATED) {
            return;
        }
        Instant now = Times.now();
        SecurityGroup group = groups.saveAndFlush(new SecurityGroup(
                Ids.newId(Ids.SECURITY_GROUP),
                changed.tenantId(),
                changed.vpcId(),
                SecurityGroup.DEFAULT_NAME,
                "default VPC security group",
                true,
                now));
        rules.save(rule(group.id(), 0, Permission.allIngressFrom(group.id()), null, now));
        rules.saveAndFlush(rule(group.id(), 1, Permission.allEgress(), null, now));
        events.publishEvent(
                new SecurityGroupChanged(group.id(), changed.vpcId(), changed.tenantId(), ChangeKind.CREATED));
    }

    /** A VPC goes with its default group; its other groups, or a rule elsewhere naming its default group, keep it. */
    @EventListener
    void deleteDefaultGroupWithVpc(VpcDeleting deleting) {
        List<SecurityGroup> ofVpc = groups.findByVpcId(deleting.vpcId());
        if (ofVpc.stream().anyMatch(group -> !group.isDefault())) {
            throw ApiException.dependencyViolation("VPC " + deleting.vpcId() + " still has security groups");
        }
        for (SecurityGroup group : ofVpc) {
            if (rules.existsByReferencedGroupIdAndGroupIdNotIn(group.id(), List.of(group.id()))) {
                throw ApiException.dependencyViolation("the default security group of VPC " + deleting.vpcId()
                        + " is referenced by a rule of another VPC's security group");
            }
            rules.deleteByGroupId(group.id());
            rules.flush();
            groups.delete(group);
            groups.flush();
        }
    }

    private List<String> requireGroupsOfVpc(String vpcId, String tenantId, List<String> requested) {
        Set<String> distinct = new LinkedHashSet<>(requested);
        if (distinct.size() != requested.size()) {
            throw ApiException.invalidParameter("securityGroupIds names a group twice");
        }
        if (distinct.size() > MAX_GROUPS_PER_INSTANCE) {
            throw ApiException.conflict(
                    "SecurityGroupsPerInstanceLimitExceeded",
                    "an instance carries at most " + MAX_GROUPS_PER_INSTANCE + " security groups");
        }
        List<String> groupIds = new ArrayList<>();
        for (String groupId : distinct) {
            SecurityGroup group = groups.findById(groupId == null ? "" : groupId)
                    .filter(g -> g.tenantId().equals(tenantId))
                    .orElseThrow(() -> notFound(groupId));
            if (!group.vpcId().equals(vpcId)) {
                throw ApiException.invalidParameter(
                        "security group " + groupId + " belongs to VPC " + group.vpcId() + ", not to " + vpcId);
            }
            groupIds.add(group.id());
        }
        return groupIds;
    }

    /** A rule's peer group: of the same VPC, or of a VPC actively peered with it (of any tenant, as AWS allows). */
    private void requireReferenceable(SecurityGroup group, String referencedGroupId) {
        SecurityGroup referenced = groups.findById(referencedGroupId).orElseThrow(() -> notFound(referencedGroupId));
        if (referenced.vpcId().equals(group.vpcId())) {
            return;
        }
        boolean peered = peerings.activePairs().stream()
                .anyMatch(pair -> (pair.requesterVpcId().equals(group.vpcId())
                                && pair.accepterVpcId().equals(referenced.vpcId()))
                        || (pair.accepterVpcId().equals(group.vpcId())
                                && pair.requesterVpcId().equals(referenced.vpcId())));
        if (!peered) {
            // Neither in this VPC nor across an active peering: as if it did not exist (it may be another tenant's).
            throw notFound(referencedGroupId);
        }
    }

    private void store(String instanceId, List<String> groupIds) {
        for (String groupId : groupIds) {
            memberships.save(new InstanceSecurityGroup(Ids.newId(Ids.SECURITY_GROUP_MEMBERSHIP), instanceId, groupId));
        }
        memberships.flush();
    }

    private List<String> groupIdsOf(String instanceId) {
        return memberships.findByInstanceIdOrderByGroupId(instanceId).stream()
                .map(InstanceSecurityGroup::groupId)
                .toList();
    }

    private SecurityGroup defaultGroupOf(String vpcId) {
        return groups.findByVpcIdAndIsDefaultTrue(vpcId)
                .orElseThrow(() -> new IllegalStateException("VPC " + vpcId + " has no default security group"));
    }

    private SecurityGroup visible(Caller caller, String groupId) {
        caller.requireAdminOrTenant();
        return groups.findById(groupId).filter(g -> caller.canSee(g.tenantId())).orElseThrow(() -> notFound(groupId));
    }

    /** Locks the group's VPC, then reads the group again: it may have gone while we waited. */
    private SecurityGroup lockVisible(Caller caller, String groupId) {
        SecurityGroup group = visible(caller, groupId);
        vpcs.lockForMutation(caller, group.vpcId());
        return groups.findById(groupId).orElseThrow(() -> notFound(groupId));
    }

    private static SecurityGroupRule rule(
            String groupId, int position, Permission permission, String description, Instant now) {
        return new SecurityGroupRule(
                Ids.newId(Ids.SECURITY_GROUP_RULE), groupId, position, permission, description, now);
    }

    private SecurityGroupView view(SecurityGroup group) {
        return new SecurityGroupView(group, rules.findByGroupIdOrderByPosition(group.id()));
    }

    static ApiException notFound(String groupId) {
        return ApiException.notFound("InvalidGroup.NotFound", "security group " + groupId + " does not exist");
    }

    @EventListener
    @Order(TenantEmptying.SECURITY_GROUPS)
    void deleteGroupsOfEmptiedTenant(TenantEmptying emptying) {
        List<SecurityGroup> ofTenant = groups.page(emptying.tenantId(), null, "", Limit.unlimited());
        // Rules first: groups of the tenant that name each other would otherwise refuse each other's delete.
        for (SecurityGroup group : ofTenant) {
            rules.deleteByGroupId(group.id());
        }
        rules.flush();
        for (SecurityGroup group : ofTenant) {
            if (!group.isDefault()) {
                delete(Caller.admin(), group.id());
            }
        }
    }
}
