/**
 * Route tables: a VPC's main table (created with it) and custom tables, their routes (longest
 * prefix wins; the local route of each VPC block is implicit and fixed) and each subnet's
 * explicit association. A subnet's effective routes are a view of its table
 * ({@link io.vpclab.controlplane.routetable.RouteTableRoutes}); the compiler reads the tables
 * through {@link io.vpclab.controlplane.routetable.RouteTableService}. The NAT gateway
 * subnet-association API and peering acceptance keep working by writing ordinary routes here.
 */
package io.vpclab.controlplane.routetable;
