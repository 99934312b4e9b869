package io.vpclab.controlplane.natgateway;

import io.vpclab.controlplane.system.ChangeKind;
import java.util.List;

/**
 * Published inside the transaction for every create, policy or association change and delete,
 * with what a compiler needs to place the gateway's NAT table: its VPC, own subnet, host, EIP and
 * associated subnets (as they are after the change). Listen with {@code @TransactionalEventListener}.
 */
public record NatGatewayChanged(
        String natGatewayId,
        String tenantId,
        String vpcId,
        String subnetId,
        String hostId,
        String allocationId,
        List<String> associatedSubnetIds,
        ChangeKind kind) {}
