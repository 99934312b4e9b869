package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.system.ChangeKind;

/**
 * Published inside the transaction when a VPN gateway or connection of a VPC changes (its routes
 * and its host's table follow). Listen with {@code @TransactionalEventListener}.
 */
public record VpnChanged(String vpcId, String resourceId, ChangeKind kind) {}
