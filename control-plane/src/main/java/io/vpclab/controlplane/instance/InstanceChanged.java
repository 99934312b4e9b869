package io.vpclab.controlplane.instance;

import io.vpclab.controlplane.system.ChangeKind;

/**
 * Published inside the transaction. A move is UPDATED with the previous host, so the compiler
 * knows both hosts whose tables change. Listen with {@code @TransactionalEventListener}; a
 * synchronous {@code @EventListener} on DELETED runs before commit (e.g. to disassociate an EIP).
 */
public record InstanceChanged(
        String instanceId,
        String vpcId,
        String subnetId,
        String hostId,
        String previousHostId,
        String tenantId,
        ChangeKind kind) {}
