package io.vpclab.controlplane.securitygroup;

import io.vpclab.api.SecurityGroupsApi;
import io.vpclab.api.model.InstanceSecurityGroups;
import io.vpclab.api.model.InstanceSecurityGroupsUpdate;
import io.vpclab.api.model.SecurityGroupCreate;
import io.vpclab.api.model.SecurityGroupList;
import io.vpclab.api.model.SecurityGroupRuleCreate;
import io.vpclab.api.model.SecurityGroupRuleDirection;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SecurityGroupController implements SecurityGroupsApi {

    private final SecurityGroupService securityGroups;

    SecurityGroupController(SecurityGroupService securityGroups) {
        this.securityGroups = securityGroups;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.SecurityGroup> createSecurityGroup(SecurityGroupCreate body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(securityGroups.create(
                        Callers.current(), body.getVpcId(), body.getGroupName(), body.getDescription())));
    }

    @Override
    public ResponseEntity<SecurityGroupList> listSecurityGroups(String vpcId, Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.SecurityGroup> page = securityGroups
                .list(Callers.current(), vpcId, PageRequest.of(maxResults, nextToken))
                .map(SecurityGroupController::toDto);
        return ResponseEntity.ok(new SecurityGroupList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.SecurityGroup> getSecurityGroup(String groupId) {
        return ResponseEntity.ok(toDto(securityGroups.get(Callers.current(), groupId)));
    }

    @Override
    public ResponseEntity<Void> deleteSecurityGroup(String groupId) {
        securityGroups.delete(Callers.current(), groupId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.SecurityGroup> authorizeSecurityGroupRule(
            String groupId, SecurityGroupRuleCreate body) {
        Permission permission = Permission.of(
                body.getDirection() == null
                        ? null
                        : Permission.Direction.valueOf(body.getDirection().name()),
                body.getIpProtocol(),
                body.getFromPort(),
                body.getToPort(),
                body.getCidrIp(),
                body.getReferencedGroupId());
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(securityGroups.authorize(Callers.current(), groupId, permission, body.getDescription())));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.SecurityGroup> revokeSecurityGroupRule(String groupId, String ruleId) {
        return ResponseEntity.ok(toDto(securityGroups.revoke(Callers.current(), groupId, ruleId)));
    }

    @Override
    public ResponseEntity<InstanceSecurityGroups> getInstanceSecurityGroups(String instanceId) {
        return ResponseEntity.ok(
                new InstanceSecurityGroups(instanceId, securityGroups.groupsOf(Callers.current(), instanceId)));
    }

    @Override
    public ResponseEntity<InstanceSecurityGroups> replaceInstanceSecurityGroups(
            String instanceId, InstanceSecurityGroupsUpdate body) {
        return ResponseEntity.ok(new InstanceSecurityGroups(
                instanceId, securityGroups.replaceGroups(Callers.current(), instanceId, body.getSecurityGroupIds())));
    }

    private static io.vpclab.api.model.SecurityGroup toDto(SecurityGroupService.SecurityGroupView view) {
        SecurityGroup group = view.group();
        return new io.vpclab.api.model.SecurityGroup(
                group.id(),
                group.tenantId(),
                group.vpcId(),
                group.name(),
                group.description(),
                group.isDefault(),
                rules(view, Permission.Direction.INGRESS),
                rules(view, Permission.Direction.EGRESS),
                Times.utc(group.createdAt()));
    }

    private static List<io.vpclab.api.model.SecurityGroupRule> rules(
            SecurityGroupService.SecurityGroupView view, Permission.Direction direction) {
        return view.rules(direction).stream()
                .map(SecurityGroupController::toDto)
                .toList();
    }

    private static io.vpclab.api.model.SecurityGroupRule toDto(SecurityGroupRule rule) {
        Permission permission = rule.permission();
        return new io.vpclab.api.model.SecurityGroupRule(
                        rule.id(),
                        SecurityGroupRuleDirection.valueOf(
                                permission.direction().name()),
                        permission.protocol().apiName())
                .fromPort(permission.fromPort())
                .toPort(permission.toPort())
                .cidrIp(permission.cidr() == null ? null : permission.cidr().toString())
                .referencedGroupId(permission.referencedGroupId())
                .description(rule.description());
    }
}
