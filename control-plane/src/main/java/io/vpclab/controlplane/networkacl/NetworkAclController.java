package io.vpclab.controlplane.networkacl;

import io.vpclab.api.NetworkAclsApi;
import io.vpclab.api.model.NetworkAclAssociation;
import io.vpclab.api.model.NetworkAclCreate;
import io.vpclab.api.model.NetworkAclEntryCreate;
import io.vpclab.api.model.NetworkAclList;
import io.vpclab.api.model.SecurityGroupRuleDirection;
import io.vpclab.controlplane.securitygroup.Permission;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class NetworkAclController implements NetworkAclsApi {

    private final NetworkAclService acls;

    NetworkAclController(NetworkAclService acls) {
        this.acls = acls;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.NetworkAcl> createNetworkAcl(NetworkAclCreate body) {
        return ResponseEntity.status(HttpStatus.CREATED).body(toDto(acls.create(Callers.current(), body.getVpcId())));
    }

    @Override
    public ResponseEntity<NetworkAclList> listNetworkAcls(String vpcId, Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.NetworkAcl> page = acls.list(
                        Callers.current(), vpcId, PageRequest.of(maxResults, nextToken))
                .map(NetworkAclController::toDto);
        return ResponseEntity.ok(new NetworkAclList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.NetworkAcl> getNetworkAcl(String networkAclId) {
        return ResponseEntity.ok(toDto(acls.get(Callers.current(), networkAclId)));
    }

    @Override
    public ResponseEntity<Void> deleteNetworkAcl(String networkAclId) {
        acls.delete(Callers.current(), networkAclId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.NetworkAcl> createNetworkAclEntry(
            String networkAclId, NetworkAclEntryCreate body) {
        AclEntry entry = AclEntry.of(
                body.getRuleNumber(),
                body.getDirection() == null
                        ? null
                        : Permission.Direction.valueOf(body.getDirection().name()),
                body.getProtocol(),
                body.getRuleAction() == null ? null : body.getRuleAction().getValue(),
                body.getCidrBlock(),
                body.getFromPort(),
                body.getToPort());
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(acls.addEntry(Callers.current(), networkAclId, entry)));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.NetworkAcl> deleteNetworkAclEntry(
            String networkAclId, String direction, Integer ruleNumber) {
        if (!"ingress".equals(direction) && !"egress".equals(direction)) {
            throw ApiException.invalidParameter("direction '" + direction + "' is not ingress or egress");
        }
        return ResponseEntity.ok(
                toDto(acls.removeEntry(Callers.current(), networkAclId, "egress".equals(direction), ruleNumber)));
    }

    @Override
    public ResponseEntity<NetworkAclAssociation> replaceNetworkAclAssociation(
            String subnetId, NetworkAclAssociation body) {
        String aclId = acls.replaceAssociation(Callers.current(), subnetId, body.getNetworkAclId());
        return ResponseEntity.ok(new NetworkAclAssociation(aclId).subnetId(subnetId));
    }

    private static io.vpclab.api.model.NetworkAcl toDto(NetworkAclService.NetworkAclView view) {
        NetworkAcl acl = view.acl();
        List<io.vpclab.api.model.NetworkAclEntry> shown = new ArrayList<>();
        for (boolean egress : new boolean[] {false, true}) {
            view.entries().stream()
                    .filter(entry -> entry.egress() == egress)
                    .map(NetworkAclController::toDto)
                    .forEach(shown::add);
            shown.add(finalDeny(egress));
        }
        return new io.vpclab.api.model.NetworkAcl(
                acl.id(),
                acl.tenantId(),
                acl.vpcId(),
                acl.isDefault(),
                shown,
                view.subnetIds(),
                Times.utc(acl.createdAt()));
    }

    private static io.vpclab.api.model.NetworkAclEntry toDto(AclEntry entry) {
        Permission match = entry.match();
        return new io.vpclab.api.model.NetworkAclEntry(
                        entry.ruleNumber(),
                        entry.egress() ? SecurityGroupRuleDirection.EGRESS : SecurityGroupRuleDirection.INGRESS,
                        match.protocol().apiName(),
                        entry.allow()
                                ? io.vpclab.api.model.NetworkAclEntry.RuleActionEnum.ALLOW
                                : io.vpclab.api.model.NetworkAclEntry.RuleActionEnum.DENY,
                        match.cidr().toString())
                .fromPort(match.fromPort())
                .toPort(match.toPort());
    }

    /** The {@code *} entry every ACL ends with, shown as AWS shows it (rule 32767). */
    private static io.vpclab.api.model.NetworkAclEntry finalDeny(boolean egress) {
        return new io.vpclab.api.model.NetworkAclEntry(
                AclEntry.FINAL_DENY_NUMBER,
                egress ? SecurityGroupRuleDirection.EGRESS : SecurityGroupRuleDirection.INGRESS,
                Permission.Protocol.ALL.apiName(),
                io.vpclab.api.model.NetworkAclEntry.RuleActionEnum.DENY,
                "0.0.0.0/0");
    }
}
