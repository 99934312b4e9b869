package io.vpclab.controlplane.natgateway;

import io.vpclab.api.NatGatewaysApi;
import io.vpclab.api.model.EgressPolicy;
import io.vpclab.api.model.NatGatewayCreate;
import io.vpclab.api.model.NatGatewayList;
import io.vpclab.api.model.NatGatewayState;
import io.vpclab.api.model.NatGatewaySubnetAssociate;
import io.vpclab.api.model.NatGatewayUpdate;
import io.vpclab.controlplane.elasticip.ElasticIp;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class NatGatewayController implements NatGatewaysApi {

    private final NatGatewayService gateways;

    NatGatewayController(NatGatewayService gateways) {
        this.gateways = gateways;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.NatGateway> createNatGateway(NatGatewayCreate body) {
        NatGatewayService.Creation creation = new NatGatewayService.Creation(
                body.getSubnetId(),
                body.getAllocationId(),
                body.getName(),
                body.getHostId(),
                policy(body.getEgressPolicy()),
                body.getWhitelistId(),
                body.getIdleTimeoutSeconds(),
                body.getUdpIdleTimeoutSeconds());
        return ResponseEntity.status(HttpStatus.CREATED).body(toDto(gateways.create(Callers.current(), creation)));
    }

    @Override
    public ResponseEntity<NatGatewayList> listNatGateways(String vpcId, Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.NatGateway> page = gateways.list(
                        Callers.current(), vpcId, PageRequest.of(maxResults, nextToken))
                .map(NatGatewayController::toDto);
        return ResponseEntity.ok(new NatGatewayList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.NatGateway> getNatGateway(String natGatewayId) {
        return ResponseEntity.ok(toDto(gateways.get(Callers.current(), natGatewayId)));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.NatGateway> updateNatGateway(String natGatewayId, NatGatewayUpdate body) {
        return ResponseEntity.ok(toDto(gateways.update(
                Callers.current(),
                natGatewayId,
                policy(body.getEgressPolicy()),
                body.getWhitelistId(),
                body.getIdleTimeoutSeconds(),
                body.getUdpIdleTimeoutSeconds())));
    }

    @Override
    public ResponseEntity<Void> deleteNatGateway(String natGatewayId) {
        gateways.delete(Callers.current(), natGatewayId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.NatGateway> associateNatGatewaySubnet(
            String natGatewayId, NatGatewaySubnetAssociate body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(gateways.associateSubnet(Callers.current(), natGatewayId, body.getSubnetId())));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.NatGateway> disassociateNatGatewaySubnet(
            String natGatewayId, String subnetId) {
        return ResponseEntity.ok(toDto(gateways.disassociateSubnet(Callers.current(), natGatewayId, subnetId)));
    }

    private static NatGateway.EgressPolicy policy(EgressPolicy policy) {
        return policy == null ? null : NatGateway.EgressPolicy.valueOf(policy.name());
    }

    static io.vpclab.api.model.NatGateway toDto(NatGatewayService.NatGatewayView view) {
        NatGateway gateway = view.gateway();
        ElasticIp eip = view.eip();
        return new io.vpclab.api.model.NatGateway(
                        gateway.id(),
                        gateway.tenantId(),
                        gateway.vpcId(),
                        gateway.subnetId(),
                        eip == null ? null : eip.id(),
                        EgressPolicy.valueOf(gateway.egressPolicy().name()),
                        view.associatedSubnetIds(),
                        NatGatewayState.fromValue(gateway.state()),
                        Times.utc(gateway.createdAt()))
                .name(gateway.name())
                .publicIp(eip == null ? null : eip.publicIp())
                .privateIpAddress(gateway.privateIpAddress())
                .hostId(gateway.hostId())
                .whitelistId(gateway.whitelistId())
                .idleTimeoutSeconds(gateway.tcpIdleTimeoutSeconds())
                .udpIdleTimeoutSeconds(gateway.udpIdleTimeoutSeconds());
    }
}
