package io.vpclab.controlplane.peering;

import io.vpclab.controlplane.system.ChangeKind;

/**
 * Published inside the transaction on request, accept, reject and delete, with both VPCs so the
 * compiler recompiles both sides (routes appear or disappear on both at once). {@code status} is
 * the status after the change (for DELETED, the status it had). Listen with
 * {@code @TransactionalEventListener}.
 */
public record PeeringChanged(
        String peeringId,
        String requesterVpcId,
        String accepterVpcId,
        String requesterTenantId,
        String accepterTenantId,
        PeeringStatus status,
        ChangeKind kind) {}
