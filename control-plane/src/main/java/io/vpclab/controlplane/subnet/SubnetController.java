package io.vpclab.controlplane.subnet;

import io.vpclab.api.SubnetsApi;
import io.vpclab.api.model.EffectiveRoute;
import io.vpclab.api.model.EffectiveRoutes;
import io.vpclab.api.model.RouteState;
import io.vpclab.api.model.RouteTargetType;
import io.vpclab.api.model.Segmentation;
import io.vpclab.api.model.SubnetCreate;
import io.vpclab.api.model.SubnetList;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.net.Ipv4Prefix;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SubnetController implements SubnetsApi {

    private final SubnetService subnets;

    SubnetController(SubnetService subnets) {
        this.subnets = subnets;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Subnet> createSubnet(SubnetCreate body) {
        Subnet subnet = subnets.create(Callers.current(), body.getVpcId(), body.getCidrBlock(), body.getName());
        return ResponseEntity.status(HttpStatus.CREATED).body(toDto(subnet));
    }

    @Override
    public ResponseEntity<SubnetList> listSubnets(String vpcId, Integer maxResults, String nextToken) {
        PageRequest.Page<Subnet> page = subnets.list(Callers.current(), vpcId, PageRequest.of(maxResults, nextToken));
        Map<String, String> natGateways = subnets.natGatewaysOf(page.items());
        PageRequest.Page<io.vpclab.api.model.Subnet> listed =
                page.map(subnet -> toDto(subnet, natGateways.get(subnet.id())));
        return ResponseEntity.ok(new SubnetList(listed.items()).nextToken(listed.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Subnet> getSubnet(String subnetId) {
        return ResponseEntity.ok(toDto(subnets.get(Callers.current(), subnetId)));
    }

    @Override
    public ResponseEntity<Void> deleteSubnet(String subnetId) {
        subnets.delete(Callers.current(), subnetId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<EffectiveRoutes> getSubnetRoutes(String subnetId) {
        Caller caller = Callers.current();
        Subnet subnet = subnets.get(caller, subnetId);
        return ResponseEntity.ok(new EffectiveRoutes(
                subnet.id(),
                subnet.vpcId(),
                subnets.effectiveRoutes(caller, subnetId).stream()
                        .map(r -> new EffectiveRoute(
                                        r.destinationCidrBlock(),
                                        RouteTargetType.fromValue(
                                                r.target().name().toLowerCase().replace('_', '-')))
                                .targetId(r.targetId())
                                .state(r.active() ? RouteState.ACTIVE : RouteState.BLACKHOLE)
                                .routeTableId(r.routeTableId()))
                        .toList()));
    }

    private io.vpclab.api.model.Subnet toDto(Subnet subnet) {
        return toDto(subnet, subnets.natGatewayOf(subnet));
    }

    private static io.vpclab.api.model.Subnet toDto(Subnet subnet, String natGatewayId) {
        return new io.vpclab.api.model.Subnet(
                        subnet.id(),
                        subnet.tenantId(),
                        subnet.vpcId(),
                        subnet.cidrBlock(),
                        subnet.segmentId(),
                        Segmentation.fromValue(subnet.segmentation()),
                        (int) subnet.addressPlan().usableCount(),
                        (int) subnet.availableAddressCount(),
                        Ipv4Prefix.formatAddress(subnet.addressPlan().gateway()),
                        Times.utc(subnet.createdAt()))
                .name(subnet.name())
                .natGatewayId(natGatewayId);
    }
}
