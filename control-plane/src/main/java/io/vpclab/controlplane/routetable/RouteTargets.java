package io.vpclab.controlplane.routetable;

import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.natgateway.NatGatewayService;
import io.vpclab.controlplane.peering.Peering;
import io.vpclab.controlplane.peering.PeeringService;
import io.vpclab.controlplane.peering.PeeringStatus;
import io.vpclab.controlplane.subnet.RouteContributor.Target;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.vpn.VpnGatewayService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * What a route may point at, through the owning features' services: on creation a target must be
 * visible to the caller (else its feature's NotFound) and belong to the table's VPC (a peering:
 * one of whose sides it is), else InvalidParameterValue. A target that is gone, not yet placed
 * (a gateway) or not active (a peering) makes the route a blackhole.
 */
@Component
class RouteTargets {

    private static final Caller SYSTEM = Caller.admin();

    private final NatGatewayService natGateways;
    private final PeeringService peerings;
    private final VpnGatewayService vpnGateways;
    private final InstanceService instances;

    RouteTargets(
            NatGatewayService natGateways,
            PeeringService peerings,
            VpnGatewayService vpnGateways,
            InstanceService instances) {
        this.natGateways = natGateways;
        this.peerings = peerings;
        this.vpnGateways = vpnGateways;
        this.instances = instances;
    }

    /** Refuses a target the caller cannot see or that is not of {@code vpcId}. */
    void requireUsable(Caller caller, String vpcId, Target target, String targetId) {
        String targetVpc = switch (target) {
            case NAT_GATEWAY -> natGateways.get(caller, targetId).gateway().vpcId();
            case VPN_GATEWAY -> vpnGateways.get(caller, targetId).gateway().vpcId();
            case INSTANCE -> instances.get(caller, targetId).vpcId();
            case VPC_PEERING_CONNECTION -> {
                Peering peering = peerings.get(caller, targetId).peering();
                yield peering.requesterVpcId().equals(vpcId)
                                || peering.accepterVpcId().equals(vpcId)
                        ? vpcId
                        : peering.requesterVpcId();
            }
            default -> vpcId;
        };
        if (!vpcId.equals(targetVpc)) {
            throw ApiException.invalidParameter(
                    target.name().toLowerCase().replace('_', '-') + " " + targetId + " is not in VPC " + vpcId
                            + " (a route may only lead to a target of its own VPC or to one of its peerings)");
        }
    }

    /**
     * The ids of the targets of {@code vpcId} that forward now: its NAT and VPN gateways placed on
     * a host, its instances and its active peerings. Read once per view, by listing (a lookup that fails inside
     * a transaction would mark it for rollback).
     */
    Set<String> live(String vpcId) {
        Set<String> ids = new HashSet<>();
        // a gateway forwards nothing until it is placed on a host
        everyPage(page -> natGateways.list(SYSTEM, vpcId, page)).stream()
                .filter(v -> v.gateway().hostId() != null)
                .forEach(v -> ids.add(v.gateway().id()));
        everyPage(page -> vpnGateways.list(SYSTEM, vpcId, page)).stream()
                .filter(v -> v.gateway().hostId() != null)
                .forEach(v -> ids.add(v.gateway().id()));
        everyPage(page -> instances.list(SYSTEM, vpcId, null, null, page)).forEach(i -> ids.add(i.id()));
        everyPage(page -> peerings.list(SYSTEM, vpcId, page)).stream()
                .map(PeeringService.PeeringView::peering)
                .filter(p -> p.status() == PeeringStatus.ACTIVE)
                .forEach(p -> ids.add(p.id()));
        return ids;
    }

    private static <T> List<T> everyPage(Function<PageRequest, PageRequest.Page<T>> fetch) {
        List<T> all = new ArrayList<>();
        String next = null;
        do {
            PageRequest.Page<T> page = fetch.apply(PageRequest.of(PageRequest.LIMIT_MAX_RESULTS, next));
            all.addAll(page.items());
            next = page.nextToken();
        } while (next != null);
        return all;
    }
}
