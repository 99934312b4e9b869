package io.vpclab.controlplane.routetable;

import io.vpclab.controlplane.system.ChangeKind;

/**
 * Published inside the transaction when a table, its routes or a subnet's association change
 * (route and association changes are UPDATED). Listen with {@code @TransactionalEventListener}.
 */
public record RouteTableChanged(String routeTableId, String vpcId, String tenantId, ChangeKind kind) {}
