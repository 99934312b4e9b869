package io.vpclab.controlplane.networkacl;

import io.vpclab.controlplane.system.ChangeKind;

/**
 * Published inside the transaction when an ACL, its entries or a subnet's association change
 * (entry and association changes are UPDATED). Listen with {@code @TransactionalEventListener}.
 */
public record NetworkAclChanged(String networkAclId, String vpcId, String tenantId, ChangeKind kind) {}
