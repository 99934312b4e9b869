package io.vpclab.controlplane.elasticip;

import io.vpclab.controlplane.system.ChangeKind;

/**
 * Published inside the transaction for every allocation, association change, policy change and
 * release. {@code previousVpcId} is the VPC the EIP left when an association moved or ended, so a
 * compiler knows both sides whose NAT rules change. Listen with {@code @TransactionalEventListener}.
 */
public record ElasticIpChanged(
        String allocationId,
        String tenantId,
        String publicIp,
        String instanceId,
        String natGatewayId,
        String vpcId,
        String previousVpcId,
        ChangeKind kind) {}
