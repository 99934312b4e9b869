package io.vpclab.controlplane.flowlog;

import io.vpclab.controlplane.system.ChangeKind;

/** Published inside the transaction when a flow log configuration is created or deleted. */
public record FlowLogChanged(String flowLogId, String vpcId, String tenantId, ChangeKind kind) {}
