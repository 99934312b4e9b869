/**
 * VPC peerings: a requester VPC and a distinct accepter VPC with no overlapping block between them,
 * at most one live peering per pair. Within a tenant a peering is active at once; across tenants it
 * waits in pending-acceptance for the accepter's tenant. When it becomes active, the route table feature
 * adds routes to the peer's blocks to every route table on both sides (and removes them when it
 * goes); peering is not transitive. Both VPC rows are locked, lower ID first, for every change. One row per peering.
 */
package io.vpclab.controlplane.peering;
