/**
 * VPCs and their CIDR blocks (primary + up to 4 secondary). The VPC row is the lock that
 * serialises every mutation inside the VPC; deletes ask other features through
 * {@link io.vpclab.controlplane.vpc.VpcDeleting} and {@link io.vpclab.controlplane.vpc.VpcCidrBlockRemoving}.
 */
package io.vpclab.controlplane.vpc;
