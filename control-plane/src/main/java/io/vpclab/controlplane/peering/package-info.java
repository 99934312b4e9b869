/**
 * VPC peerings: a requester VPC and a distinct accepter VPC with no overlapping block between them,
 * at most one live peering per pair. Within a tenant a peering is active at once; across tenants it
 * waits in pending-acceptance for the accepter's tenant. While active, subnets on both sides route
 * the peer's blocks to it ({@link io.vpclab.controlplane.peering.PeeringRoutes}); peering is not
 * transitive. Both VPC rows are locked, lower ID first, for every change. One row per peering.
 */
package io.vpclab.controlplane.peering;
