package io.vpclab.controlplane.subnet;

import io.vpclab.controlplane.system.ChangeKind;

/** Published inside the transaction (address changes are UPDATED); listen with {@code @TransactionalEventListener}. */
public record SubnetChanged(String subnetId, String vpcId, String tenantId, ChangeKind kind) {}
