package io.vpclab.controlplane.vpc;

import io.vpclab.net.Ipv4Prefix;

/**
 * Published synchronously under the VPC's row lock before a secondary block is added; a feature
 * the block would conflict with (an active peering whose peer holds an overlapping block) vetoes
 * with an {@code ApiException}.
 */
public record VpcCidrBlockAdding(String vpcId, Ipv4Prefix cidrBlock) {}
