package io.vpclab.controlplane.vpc;

/**
 * Published synchronously under the VPC's row lock before it is deleted. Features that still
 * hold something in the VPC (subnets; NAT gateways and active peerings in their features) throw
 * {@code ApiException.dependencyViolation(...)} from the listener.
 */
public record VpcDeleting(String vpcId) {}
