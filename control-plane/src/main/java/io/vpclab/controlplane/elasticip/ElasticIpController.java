package io.vpclab.controlplane.elasticip;

import io.vpclab.api.EipsApi;
import io.vpclab.api.model.EipAllocate;
import io.vpclab.api.model.EipAssociate;
import io.vpclab.api.model.EipList;
import io.vpclab.api.model.EipUpdate;
import io.vpclab.api.model.IngressPolicy;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ElasticIpController implements EipsApi {

    private final ElasticIpService eips;

    ElasticIpController(ElasticIpService eips) {
        this.eips = eips;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Eip> allocateEip(EipAllocate body) {
        EipAllocate request = body == null ? new EipAllocate() : body;
        ElasticIp eip = eips.allocate(
                Callers.current(), request.getTenantId(), policy(request.getIngressPolicy()), request.getWhitelistId());
        return ResponseEntity.status(HttpStatus.CREATED).body(toDto(eip));
    }

    @Override
    public ResponseEntity<EipList> listEips(String vpcId, Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.Eip> page = eips.list(
                        Callers.current(), vpcId, PageRequest.of(maxResults, nextToken))
                .map(ElasticIpController::toDto);
        return ResponseEntity.ok(new EipList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Eip> getEip(String allocationId) {
        return ResponseEntity.ok(toDto(eips.get(Callers.current(), allocationId)));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Eip> updateEip(String allocationId, EipUpdate body) {
        return ResponseEntity.ok(toDto(
                eips.update(Callers.current(), allocationId, policy(body.getIngressPolicy()), body.getWhitelistId())));
    }

    @Override
    public ResponseEntity<Void> releaseEip(String allocationId) {
        eips.release(Callers.current(), allocationId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Eip> associateEip(String allocationId, EipAssociate body) {
        Caller caller = Callers.current();
        boolean instance = body.getInstanceId() != null && !body.getInstanceId().isBlank();
        boolean natGateway =
                body.getNatGatewayId() != null && !body.getNatGatewayId().isBlank();
        if (instance == natGateway) {
            throw ApiException.badRequest(
                    instance ? "InvalidParameterCombination" : "MissingParameter",
                    "give exactly one of instanceId and natGatewayId");
        }
        boolean allowReassociation = Boolean.TRUE.equals(body.getAllowReassociation());
        ElasticIp eip = instance
                ? eips.associateWithInstance(caller, allocationId, body.getInstanceId(), allowReassociation)
                : eips.associateWithNatGateway(caller, allocationId, body.getNatGatewayId(), allowReassociation);
        return ResponseEntity.ok(toDto(eip));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Eip> disassociateEip(String allocationId) {
        return ResponseEntity.ok(toDto(eips.disassociate(Callers.current(), allocationId)));
    }

    private static ElasticIp.IngressPolicy policy(IngressPolicy policy) {
        return policy == null ? null : ElasticIp.IngressPolicy.valueOf(policy.name());
    }

    static io.vpclab.api.model.Eip toDto(ElasticIp eip) {
        return new io.vpclab.api.model.Eip(
                        eip.id(),
                        eip.tenantId(),
                        eip.publicIp(),
                        IngressPolicy.valueOf(eip.ingressPolicy().name()),
                        Times.utc(eip.createdAt()))
                .associationId(eip.associationId())
                .instanceId(eip.instanceId())
                .natGatewayId(eip.natGatewayId())
                .privateIpAddress(eip.privateIpAddress())
                .whitelistId(eip.whitelistId());
    }
}
