package io.vpclab.controlplane.vpn;

import io.vpclab.api.VpnConnectionsApi;
import io.vpclab.api.model.VpnConnectionCreate;
import io.vpclab.api.model.VpnConnectionList;
import io.vpclab.api.model.VpnConnectionRoute;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.net.Ipv4Prefix;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class VpnConnectionController implements VpnConnectionsApi {

    private final VpnConnectionService connections;
    private final WgQuickConfiguration configuration;
    private final VpnTunnels tunnels;

    VpnConnectionController(VpnConnectionService connections, WgQuickConfiguration configuration, VpnTunnels tunnels) {
        this.connections = connections;
        this.configuration = configuration;
        this.tunnels = tunnels;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.VpnConnection> createVpnConnection(VpnConnectionCreate body) {
        if (body.getOnPremisesCidrBlocks() == null
                || body.getOnPremisesCidrBlocks().isEmpty()) {
            // EC2's CreateVpnConnection may start without and add static routes; REST names one at least
            throw ApiException.badRequest(
                    "MissingParameter", "onPremisesCidrBlocks needs at least one CIDR block (add more with /routes)");
        }
        VpnConnectionService.Created created = connections.create(
                Callers.current(),
                new VpnConnectionService.Creation(
                        body.getVpnGatewayId(),
                        body.getCustomerGatewayId(),
                        body.getOnPremisesCidrBlocks(),
                        body.getPresharedKey(),
                        Boolean.TRUE.equals(body.getGeneratePresharedKey())));
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(created.connection()).presharedKey(created.presharedKey()));
    }

    @Override
    public ResponseEntity<VpnConnectionList> listVpnConnections(String vpcId, Integer maxResults, String nextToken) {
        // with each tunnel, as AWS lists a connection with its tunnels' telemetry
        PageRequest.Page<io.vpclab.api.model.VpnConnection> page = connections
                .list(Callers.current(), vpcId, PageRequest.of(maxResults, nextToken))
                .map(connection -> toDto(connection)
                        .tunnel(tunnels.of(Callers.current(), connection).orElse(null)));
        return ResponseEntity.ok(new VpnConnectionList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.VpnConnection> getVpnConnection(String vpnConnectionId) {
        VpnConnection connection = connections.get(Callers.current(), vpnConnectionId);
        return ResponseEntity.ok(toDto(connection)
                .tunnel(tunnels.of(Callers.current(), connection).orElse(null)));
    }

    @Override
    public ResponseEntity<Void> deleteVpnConnection(String vpnConnectionId) {
        connections.delete(Callers.current(), vpnConnectionId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.VpnConnection> createVpnConnectionRoute(
            String vpnConnectionId, VpnConnectionRoute body) {
        return ResponseEntity.ok(
                toDto(connections.addRoute(Callers.current(), vpnConnectionId, body.getDestinationCidrBlock())));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.VpnConnection> deleteVpnConnectionRoute(
            String vpnConnectionId, String destinationCidrBlock) {
        return ResponseEntity.ok(
                toDto(connections.removeRoute(Callers.current(), vpnConnectionId, destinationCidrBlock)));
    }

    @Override
    public ResponseEntity<String> getVpnConnectionConfiguration(String vpnConnectionId) {
        return ResponseEntity.ok()
                .contentType(MediaType.TEXT_PLAIN)
                .body(configuration.render(Callers.current(), vpnConnectionId));
    }

    /** Never the preshared key: the creation's answer adds it once. */
    private static io.vpclab.api.model.VpnConnection toDto(VpnConnection connection) {
        return new io.vpclab.api.model.VpnConnection(
                connection.id(),
                connection.tenantId(),
                connection.vpcId(),
                connection.vpnGatewayId(),
                connection.customerGatewayId(),
                connection.onPremisesCidrs().stream().map(Ipv4Prefix::toString).toList(),
                connection.hasPresharedKey(),
                Times.utc(connection.createdAt()));
    }
}
