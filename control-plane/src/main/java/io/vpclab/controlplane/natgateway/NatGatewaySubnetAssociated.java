package io.vpclab.controlplane.natgateway;

/**
 * Published synchronously inside the transaction when the subnet-association API associates a
 * subnet with a NAT gateway ({@code associated}) or disassociates it: the route table feature
 * turns it into the subnet's 0.0.0.0/0 route, so the association API keeps its meaning.
 */
public record NatGatewaySubnetAssociated(
        String natGatewayId, String tenantId, String vpcId, String subnetId, boolean associated) {}
