package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.system.ChangeKind;

/**
 * Published inside the transaction when a VPN gateway, VPN connection or customer gateway changes
 * (the VPC's routes and its host's table follow; the tags of a deleted one go). {@code vpcId} is
 * null for a change inside no VPC: a detached gateway, its connections, a customer gateway.
 * Listen with {@code @TransactionalEventListener}.
 */
public record VpnChanged(String vpcId, String resourceId, ChangeKind kind) {}
