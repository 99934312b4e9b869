/**
 * NAT gateways: one per (subnet, EIP), placed on one host (centralised, like AWS's), translating
 * flows of its associated subnets (same VPC, one gateway per subnet, never its own subnet) to its
 * EIP. The gateway takes a private address of its subnet through IPAM. Associated subnets get a
 * default route to it through {@link io.vpclab.controlplane.natgateway.NatGatewayRoutes} once it
 * is placed (a gateway created while no host is registered is placed on the first host that
 * registers). Tables grow by one row per gateway plus one per associated subnet. On the wire it
 * is compiled by {@code compiler.NatGatewayCompiler}; its figures and sessions come from its
 * host's counter reports ({@code southbound.NatGatewayFiguresController}).
 */
package io.vpclab.controlplane.natgateway;
