package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Prefix;

/**
 * What security groups and network ACLs filter at one local port, read from a
 * {@link ForwardingState} once per table: the port's groups (none for a NAT gateway's private
 * side, which the data plane serves itself), its segment's ACL, and the subnet edge an ACL guards
 * (a peer inside the port's own subnet is not filtered by it, as in AWS). Traffic with the port's
 * own gateway address (the router's answers) is never filtered. The data plane's SecurityPolicy
 * stage and the control plane's reachability analyzer both read ports through it.
 *
 * @param groups the port's slot in {@link ForwardingState#securityPolicy()}, or {@link ForwardingState#NONE}
 * @param acl the ACL slot in {@link ForwardingState#networkAcls()}, or {@link ForwardingState#NONE}
 * @param subnetNetwork the subnet's network bits (1 without a subnet, so that no peer is inside)
 * @param subnetMask the subnet's mask (0 without a subnet)
 * @param gateway the segment's gateway address bits, or 0
 */
public record PortFilter(int groups, int acl, int subnetNetwork, int subnetMask, int gateway) {

    public static PortFilter of(ForwardingState state, int port) {
        boolean servesNat = state.natGatewayOfPort(port) != ForwardingState.NONE;
        int segment = state.portSegment(port);
        Segment of = state.segments().get(segment);
        Ipv4Prefix subnet = of.cidrBlock();
        return new PortFilter(
                servesNat
                        ? ForwardingState.NONE
                        : state.securityPolicy().port(state.port(port).id()),
                servesNat ? ForwardingState.NONE : state.networkAcls().aclOfVni(state.segmentVni(segment)),
                subnet == null ? 1 : subnet.network(),
                subnet == null ? 0 : Ipv4Prefix.mask(subnet.length()),
                of.gatewayIp() == null ? 0 : of.gatewayIp().bits());
    }

    /** Whether the port has groups or an ACL at all. */
    public boolean filters() {
        return groups != ForwardingState.NONE || acl != ForwardingState.NONE;
    }

    /** Nothing to filter for this peer: no groups and no ACL, or the port's own gateway. */
    public boolean skips(int peer) {
        return !filters() || peer == gateway;
    }

    /** Whether the port's ACL judges traffic with {@code peer}: it has one and the peer is outside the subnet. */
    public boolean aclFilters(int peer) {
        return acl != ForwardingState.NONE && (peer & subnetMask) != subnetNetwork;
    }
}
