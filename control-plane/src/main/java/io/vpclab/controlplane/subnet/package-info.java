/**
 * Subnets: one L2 segment each, with a segment ID from {@code SegmentIdAllocator} (one locked row
 * per mode plus a unique-index probe, never a table scan) and IPAM over {@link io.vpclab.controlplane.subnet.AddressPlan}
 * (AWS's five reserved addresses; one address_allocation row per address in use). Other features
 * take addresses through {@link io.vpclab.controlplane.subnet.SubnetService#reserveAddress} and add
 * routes through {@link io.vpclab.controlplane.subnet.RouteContributor}.
 */
package io.vpclab.controlplane.subnet;
