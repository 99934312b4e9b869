package io.vpclab.controlplane.vpc;

import io.vpclab.controlplane.system.ChangeKind;

/** Published inside the transaction (CIDR block changes are UPDATED); listen with {@code @TransactionalEventListener}. */
public record VpcChanged(String vpcId, String tenantId, ChangeKind kind) {}
