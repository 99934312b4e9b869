package io.vpclab.controlplane.subnet;

/**
 * Published synchronously under the VPC's row lock before a subnet is deleted. Instances, NAT
 * gateways and NAT associations veto with {@code ApiException.dependencyViolation(...)}.
 */
public record SubnetDeleting(String subnetId, String vpcId) {}
