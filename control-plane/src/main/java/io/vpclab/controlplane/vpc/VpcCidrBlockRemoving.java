package io.vpclab.controlplane.vpc;

import io.vpclab.controlplane.system.Ipv4Cidr;

/** Published synchronously under the VPC's row lock before a secondary block goes; a subnet inside it vetoes. */
public record VpcCidrBlockRemoving(String vpcId, Ipv4Cidr cidrBlock) {}
