package io.vpclab.controlplane.vpc;

import io.vpclab.net.Ipv4Prefix;

/** Published synchronously under the VPC's row lock before a secondary block goes; a subnet inside it vetoes. */
public record VpcCidrBlockRemoving(String vpcId, Ipv4Prefix cidrBlock) {}
