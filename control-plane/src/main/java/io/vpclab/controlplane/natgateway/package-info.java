/**
 * NAT gateways: one per (subnet, EIP), placed on one host (centralised, like AWS's), translating
 * flows of its associated subnets (same VPC, one gateway per subnet, never its own subnet) to its
 * EIP. The gateway takes a private address of its subnet through IPAM. Associated subnets get a
 * default route to it through {@link io.vpclab.controlplane.natgateway.NatGatewayRoutes}. Tables
 * grow by one row per gateway plus one per associated subnet.
 */
package io.vpclab.controlplane.natgateway;
