package io.vpclab.controlplane.host;

import io.vpclab.controlplane.system.ChangeKind;

/** Published inside the transaction; listen with {@code @TransactionalEventListener} to act after commit. */
public record HostChanged(String hostId, ChangeKind kind) {}
