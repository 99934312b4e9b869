package io.vpclab.controlplane.routetable;

import io.vpclab.controlplane.subnet.RouteContributor.Target;
import io.vpclab.controlplane.system.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * A CreateRoute / ReplaceRoute request: a destination and exactly one target (or blackhole).
 *
 * @param destinationCidrBlock the destination as given (parsed strictly by the service)
 */
public record RouteRequest(
        String destinationCidrBlock,
        String natGatewayId,
        String vpcPeeringConnectionId,
        String vpnGatewayId,
        String instanceId,
        Boolean blackhole) {

    /** The one target named; none or several is InvalidParameterValue (AWS names one target per route). */
    Target target() {
        List<Target> named = new ArrayList<>();
        if (natGatewayId != null) {
            named.add(Target.NAT_GATEWAY);
        }
        if (vpcPeeringConnectionId != null) {
            named.add(Target.VPC_PEERING_CONNECTION);
        }
        if (vpnGatewayId != null) {
            named.add(Target.VPN_GATEWAY);
        }
        if (instanceId != null) {
            named.add(Target.INSTANCE);
        }
        if (Boolean.TRUE.equals(blackhole)) {
            named.add(Target.BLACKHOLE);
        }
        if (named.size() != 1) {
            throw ApiException.invalidParameter("a route needs exactly one of natGatewayId, vpcPeeringConnectionId,"
                    + " vpnGatewayId, instanceId or blackhole: true; got " + (named.isEmpty() ? "none" : named));
        }
        return named.get(0);
    }

    String targetId() {
        return switch (target()) {
            case NAT_GATEWAY -> natGatewayId;
            case VPC_PEERING_CONNECTION -> vpcPeeringConnectionId;
            case VPN_GATEWAY -> vpnGatewayId;
            case INSTANCE -> instanceId;
            default -> null;
        };
    }
}
