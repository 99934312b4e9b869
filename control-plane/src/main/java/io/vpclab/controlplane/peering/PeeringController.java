package io.vpclab.controlplane.peering;

import io.vpclab.api.PeeringsApi;
import io.vpclab.api.model.PeeringCreate;
import io.vpclab.api.model.PeeringList;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.net.Ipv4Prefix;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class PeeringController implements PeeringsApi {

    private final PeeringService peerings;

    PeeringController(PeeringService peerings) {
        this.peerings = peerings;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Peering> createPeering(PeeringCreate body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(peerings.request(Callers.current(), body.getRequesterVpcId(), body.getAccepterVpcId())));
    }

    @Override
    public ResponseEntity<PeeringList> listPeerings(String vpcId, Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.Peering> page = peerings.list(
                        Callers.current(), vpcId, PageRequest.of(maxResults, nextToken))
                .map(PeeringController::toDto);
        return ResponseEntity.ok(new PeeringList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Peering> getPeering(String peeringId) {
        return ResponseEntity.ok(toDto(peerings.get(Callers.current(), peeringId)));
    }

    @Override
    public ResponseEntity<Void> deletePeering(String peeringId) {
        peerings.delete(Callers.current(), peeringId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Peering> acceptPeering(String peeringId) {
        return ResponseEntity.ok(toDto(peerings.accept(Callers.current(), peeringId)));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Peering> rejectPeering(String peeringId) {
        return ResponseEntity.ok(toDto(peerings.reject(Callers.current(), peeringId)));
    }

    static io.vpclab.api.model.Peering toDto(PeeringService.PeeringView view) {
        Peering peering = view.peering();
        return new io.vpclab.api.model.Peering(
                        peering.id(),
                        peering.requesterTenantId(),
                        peering.requesterVpcId(),
                        peering.requesterTenantId(),
                        peering.accepterVpcId(),
                        peering.accepterTenantId(),
                        io.vpclab.api.model.PeeringStatus.fromValue(
                                peering.status().value()),
                        Times.utc(peering.createdAt()))
                .requesterCidrBlocks(view.requesterBlocks().stream()
                        .map(Ipv4Prefix::toString)
                        .toList())
                .accepterCidrBlocks(
                        view.accepterBlocks().stream().map(Ipv4Prefix::toString).toList());
    }
}
