package io.vpclab.controlplane.tenant;

import io.vpclab.controlplane.system.ChangeKind;

/** Published inside the transaction; listen with {@code @TransactionalEventListener} to act after commit. */
public record TenantChanged(String tenantId, ChangeKind kind) {}
