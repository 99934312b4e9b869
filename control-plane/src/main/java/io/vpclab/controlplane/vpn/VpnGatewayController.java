package io.vpclab.controlplane.vpn;

import io.vpclab.api.VpnGatewaysApi;
import io.vpclab.api.model.VpnGatewayAttach;
import io.vpclab.api.model.VpnGatewayAttachmentState;
import io.vpclab.api.model.VpnGatewayCreate;
import io.vpclab.api.model.VpnGatewayList;
import io.vpclab.api.model.VpnGatewayState;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class VpnGatewayController implements VpnGatewaysApi {

    private final VpnGatewayService gateways;

    VpnGatewayController(VpnGatewayService gateways) {
        this.gateways = gateways;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.VpnGateway> createVpnGateway(VpnGatewayCreate body) {
        VpnGatewayService.Creation creation = new VpnGatewayService.Creation(
                body.getTenantId(), body.getVpcId(), body.getName(), body.getHostId(), body.getListenPort());
        return ResponseEntity.status(HttpStatus.CREATED).body(toDto(gateways.create(Callers.current(), creation)));
    }

    @Override
    public ResponseEntity<VpnGatewayList> listVpnGateways(String vpcId, Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.VpnGateway> page = gateways.list(
                        Callers.current(), vpcId, PageRequest.of(maxResults, nextToken))
                .map(VpnGatewayController::toDto);
        return ResponseEntity.ok(new VpnGatewayList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.VpnGateway> getVpnGateway(String vpnGatewayId) {
        return ResponseEntity.ok(toDto(gateways.get(Callers.current(), vpnGatewayId)));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.VpnGateway> attachVpnGateway(String vpnGatewayId, VpnGatewayAttach body) {
        return ResponseEntity.ok(toDto(gateways.attach(Callers.current(), vpnGatewayId, body.getVpcId())));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.VpnGateway> detachVpnGateway(String vpnGatewayId) {
        return ResponseEntity.ok(toDto(gateways.detach(Callers.current(), vpnGatewayId, null)));
    }

    @Override
    public ResponseEntity<Void> deleteVpnGateway(String vpnGatewayId) {
        gateways.delete(Callers.current(), vpnGatewayId);
        return ResponseEntity.noContent().build();
    }

    /** The public key only: the private key has no way into a response. */
    private static io.vpclab.api.model.VpnGateway toDto(VpnGatewayService.VpnGatewayView view) {
        VpnGateway gateway = view.gateway();
        return new io.vpclab.api.model.VpnGateway(
                        gateway.id(),
                        gateway.tenantId(),
                        gateway.attachmentVpcId(),
                        gateway.listenPort(),
                        gateway.publicKey(),
                        VpnGatewayState.fromValue(gateway.state()),
                        Times.utc(gateway.createdAt()))
                .attachmentState(
                        gateway.attachmentState() == null
                                ? null
                                : VpnGatewayAttachmentState.fromValue(gateway.attachmentState()))
                .name(gateway.name())
                .hostId(gateway.hostId())
                .endpointIp(view.endpointIp());
    }
}
