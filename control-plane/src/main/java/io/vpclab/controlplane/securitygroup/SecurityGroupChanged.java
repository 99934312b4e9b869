package io.vpclab.controlplane.securitygroup;

import io.vpclab.controlplane.system.ChangeKind;

/**
 * Published inside the transaction when a group or its rules change (rule changes are UPDATED).
 * Listen with {@code @TransactionalEventListener}.
 */
public record SecurityGroupChanged(String groupId, String vpcId, String tenantId, ChangeKind kind) {}
