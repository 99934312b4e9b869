package io.vpclab.controlplane.whitelist;

import io.vpclab.controlplane.system.ChangeKind;

/**
 * Published inside the transaction when a whitelist or its rules change (rule changes are UPDATED).
 * The compiler recompiles the NAT gateways and EIPs that use it; listen with
 * {@code @TransactionalEventListener}.
 */
public record WhitelistChanged(String whitelistId, String tenantId, ChangeKind kind) {}
