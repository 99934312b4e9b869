package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.securitygroup.Permission;
import io.vpclab.controlplane.securitygroup.SecurityGroupRule;
import io.vpclab.controlplane.securitygroup.SecurityGroupService;
import io.vpclab.controlplane.securitygroup.SecurityGroupService.SecurityGroupView;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * CreateSecurityGroup, DeleteSecurityGroup, DescribeSecurityGroups, Authorize/Revoke
 * SecurityGroupIngress/Egress and ModifyInstanceAttribute's groups on {@link SecurityGroupService}.
 * One request's permissions are added or removed all together or not at all, as in EC2.
 */
@Component
class SecurityGroupActions implements Ec2Action.Group {

    private static final Map<String, Function<SecurityGroupView, String>> FILTERS = Map.of(
            "group-id", v -> v.group().id(),
            "group-name", v -> v.group().name(),
            "description", v -> v.group().description(),
            "vpc-id", v -> v.group().vpcId(),
            "owner-id", v -> v.group().tenantId());

    private final SecurityGroupService groups;
    private final Tags tags;
    private final TransactionTemplate transaction;

    SecurityGroupActions(SecurityGroupService groups, Tags tags, PlatformTransactionManager transactions) {
        this.groups = groups;
        this.tags = tags;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Override
    public Map<String, Ec2Action> actions() {
        return Map.of(
                "CreateSecurityGroup",
                this::create,
                "DeleteSecurityGroup",
                this::delete,
                "DescribeSecurityGroups",
                this::describe,
                "AuthorizeSecurityGroupIngress",
                (c, q, r) -> authorize(c, q, r, Permission.Direction.INGRESS),
                "AuthorizeSecurityGroupEgress",
                (c, q, r) -> authorize(c, q, r, Permission.Direction.EGRESS),
                "RevokeSecurityGroupIngress",
                (c, q, r) -> revoke(c, q, r, Permission.Direction.INGRESS),
                "RevokeSecurityGroupEgress",
                (c, q, r) -> revoke(c, q, r, Permission.Direction.EGRESS),
                "ModifyInstanceAttribute",
                this::modifyInstanceGroups);
    }

    private void create(Caller caller, Ec2Query query, Ec2Xml response) {
        String vpcId = query.string("VpcId")
                .orElseThrow(
                        () -> Ec2Exception.badRequest("VPCIdNotSpecified", "VPC Lab has no default VPC: give VpcId"));
        Tags.name(query);
        SecurityGroupView view =
                groups.create(caller, vpcId, query.required("GroupName"), query.required("GroupDescription"));
        tags.tagNew(view.group().tenantId(), view.group().id(), query);
        response.field("return", true).field("groupId", view.group().id());
    }

    private void delete(Caller caller, Ec2Query query, Ec2Xml response) {
        groups.delete(caller, groupId(caller, query));
        response.field("return", true);
    }

    private void describe(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("GroupId");
        List<String> names = query.list("GroupName");
        Predicate<SecurityGroupView> matches = tags.filter(
                        query.filters(), FILTERS, v -> v.group().id(), v -> null)
                .and(v -> names.isEmpty() || names.contains(v.group().name()));
        PageRequest.Page<SecurityGroupView> page = ids.isEmpty()
                ? Ec2Pages.collect(
                        request -> groups.list(caller, null, request),
                        matches,
                        v -> v.group().id(),
                        query.maxResults(),
                        query.nextToken())
                : new PageRequest.Page<>(
                        ids.stream()
                                .map(id -> groups.get(caller, id))
                                .filter(matches)
                                .toList(),
                        null);
        response.open("securityGroupInfo");
        for (SecurityGroupView view : page.items()) {
            String owner = view.group().tenantId();
            response.open("item")
                    .field("ownerId", owner)
                    .field("groupId", view.group().id())
                    .field("groupName", view.group().name())
                    .field("groupDescription", view.group().description())
                    .field("vpcId", view.group().vpcId());
            IpPermissions.write(response, "ipPermissions", owner, view.rules(Permission.Direction.INGRESS));
            IpPermissions.write(response, "ipPermissionsEgress", owner, view.rules(Permission.Direction.EGRESS));
            tags.write(response, view.group().id(), null).close();
        }
        response.close().field("nextToken", page.nextToken());
    }

    private void authorize(Caller caller, Ec2Query query, Ec2Xml response, Permission.Direction direction) {
        String groupId = groupId(caller, query);
        List<IpPermissions.Requested> requested = IpPermissions.read(query, direction);
        Set<String> before = ruleIds(groups.get(caller, groupId));
        SecurityGroupView after = transaction.execute(status -> {
            SecurityGroupView view = null;
            for (IpPermissions.Requested rule : requested) {
                view = groups.authorize(caller, groupId, rule.permission(), rule.description());
            }
            return view;
        });
        response.field("return", true).open("securityGroupRuleSet");
        for (SecurityGroupRule rule : after.rules()) {
            if (!before.contains(rule.id())) {
                writeRule(response.open("item"), after, rule).close();
            }
        }
        response.close();
    }

    private void revoke(Caller caller, Ec2Query query, Ec2Xml response, Permission.Direction direction) {
        String groupId = groupId(caller, query);
        List<String> ruleIds = query.list("SecurityGroupRuleId");
        List<IpPermissions.Requested> requested = ruleIds.isEmpty() ? IpPermissions.read(query, direction) : List.of();
        transaction.executeWithoutResult(status -> {
            SecurityGroupView view = groups.get(caller, groupId);
            for (String ruleId : ruleIds) {
                groups.revoke(caller, groupId, ruleId);
            }
            for (IpPermissions.Requested rule : requested) {
                String ruleId = view.rules().stream()
                        .filter(stored -> stored.permission().equals(rule.permission()))
                        .findFirst()
                        .orElseThrow(() -> ApiException.notFound(
                                "InvalidPermission.NotFound",
                                "security group " + groupId + " has no rule matching the permission given"))
                        .id();
                view = groups.revoke(caller, groupId, ruleId);
            }
        });
        response.field("return", true);
    }

    /** ModifyInstanceAttribute: only the instance's security groups ({@code GroupId.N}) can change here. */
    private void modifyInstanceGroups(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> groupIds = query.list("GroupId");
        if (groupIds.isEmpty()) {
            throw Ec2Exception.badRequest(
                    "InvalidParameterCombination",
                    "VPC Lab changes only an instance's security groups (GroupId.N) through ModifyInstanceAttribute");
        }
        groups.replaceGroups(caller, query.required("InstanceId"), groupIds);
        response.field("return", true);
    }

    /** GroupId, or a GroupName unique among the caller's groups (EC2 takes names for the default VPC). */
    private String groupId(Caller caller, Ec2Query query) {
        if (query.string("GroupId").isPresent()) {
            return query.required("GroupId");
        }
        String name = query.required("GroupName");
        List<SecurityGroupView> named = Ec2Pages.collect(
                        request -> groups.list(caller, null, request),
                        v -> v.group().name().equals(name),
                        v -> v.group().id(),
                        Optional.of(2),
                        Optional.empty())
                .items();
        if (named.size() != 1) {
            throw named.isEmpty()
                    ? ApiException.notFound("InvalidGroup.NotFound", "no security group is named '" + name + "'")
                    : Ec2Exception.badRequest(
                            "InvalidParameterCombination",
                            "several VPCs have a security group named '" + name + "': give GroupId");
        }
        return named.get(0).group().id();
    }

    private static Set<String> ruleIds(SecurityGroupView view) {
        Set<String> ids = new HashSet<>();
        view.rules().forEach(rule -> ids.add(rule.id()));
        return ids;
    }

    private static Ec2Xml writeRule(Ec2Xml xml, SecurityGroupView view, SecurityGroupRule rule) {
        Permission permission = rule.permission();
        return xml.field("securityGroupRuleId", rule.id())
                .field("groupId", view.group().id())
                .field("groupOwnerId", view.group().tenantId())
                .field("isEgress", permission.direction() == Permission.Direction.EGRESS)
                .field("ipProtocol", permission.protocol().apiName())
                .field("fromPort", permission.fromPort() == null ? -1 : permission.fromPort())
                .field("toPort", permission.toPort() == null ? -1 : permission.toPort())
                .field(
                        "cidrIpv4",
                        permission.cidr() == null ? null : permission.cidr().toString())
                .field("description", rule.description());
    }
}
