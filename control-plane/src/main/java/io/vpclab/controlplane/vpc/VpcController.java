package io.vpclab.controlplane.vpc;

import io.vpclab.api.VpcsApi;
import io.vpclab.api.model.ArpSuppressionSetting;
import io.vpclab.api.model.CidrBlockCreate;
import io.vpclab.api.model.VpcCidrBlockAssociation;
import io.vpclab.api.model.VpcCreate;
import io.vpclab.api.model.VpcList;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class VpcController implements VpcsApi {

    private final VpcService vpcs;

    VpcController(VpcService vpcs) {
        this.vpcs = vpcs;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Vpc> createVpc(VpcCreate body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(vpcs.create(
                        Callers.current(),
                        body.getCidrBlock(),
                        body.getName(),
                        body.getTenantId(),
                        !Boolean.FALSE.equals(body.getArpSuppression()))));
    }

    @Override
    public ResponseEntity<VpcList> listVpcs(String tenantId, Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.Vpc> page = vpcs.list(
                        Callers.current(), tenantId, PageRequest.of(maxResults, nextToken))
                .map(VpcController::toDto);
        return ResponseEntity.ok(new VpcList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Vpc> getVpc(String vpcId) {
        return ResponseEntity.ok(toDto(vpcs.get(Callers.current(), vpcId)));
    }

    @Override
    public ResponseEntity<Void> deleteVpc(String vpcId) {
        vpcs.delete(Callers.current(), vpcId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Vpc> associateVpcCidrBlock(String vpcId, CidrBlockCreate body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(vpcs.associateCidrBlock(Callers.current(), vpcId, body.getCidrBlock())));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Vpc> setVpcArpSuppression(String vpcId, ArpSuppressionSetting body) {
        return ResponseEntity.ok(toDto(vpcs.setArpSuppression(Callers.current(), vpcId, body.getArpSuppression())));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Vpc> disassociateVpcCidrBlock(String vpcId, String associationId) {
        return ResponseEntity.ok(toDto(vpcs.disassociateCidrBlock(Callers.current(), vpcId, associationId)));
    }

    static io.vpclab.api.model.Vpc toDto(VpcService.VpcView view) {
        Vpc vpc = view.vpc();
        return new io.vpclab.api.model.Vpc(
                        vpc.id(),
                        vpc.tenantId(),
                        vpc.cidrBlock(),
                        view.blocks().stream()
                                .map(b -> new VpcCidrBlockAssociation(b.id(), b.cidrBlock(), b.primary()))
                                .toList(),
                        Times.utc(vpc.createdAt()))
                .name(vpc.name())
                .arpSuppression(vpc.arpSuppression());
    }
}
