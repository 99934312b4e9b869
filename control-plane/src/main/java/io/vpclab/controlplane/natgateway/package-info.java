/**
 * NAT gateways: one per (subnet, EIP), placed on one host (centralised, like AWS's), translating
 * flows of its associated subnets (same VPC, one gateway per subnet, never its own subnet) to its
 * EIP. The gateway takes a private address of its subnet through IPAM. Associating a subnet
 * publishes {@link io.vpclab.controlplane.natgateway.NatGatewaySubnetAssociated}: the route table
 * feature writes the subnet's 0.0.0.0/0 route to the gateway (a gateway created while no host is
 * registered is placed on the first host that registers, and forwards from then on). Tables grow by one row per gateway plus one per associated subnet. On the wire it
 * is compiled by {@code compiler.NatGatewayCompiler}; its figures and sessions come from its
 * host's counter reports ({@code southbound.NatGatewayFiguresController}).
 */
package io.vpclab.controlplane.natgateway;
