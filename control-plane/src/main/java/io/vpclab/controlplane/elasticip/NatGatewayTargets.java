package io.vpclab.controlplane.elasticip;

import io.vpclab.controlplane.system.Caller;

/**
 * Lets the EIP feature associate an address with a NAT gateway without depending on that feature:
 * the NAT gateway feature implements it, locking the gateway's VPC and row for the transaction.
 */
public interface NatGatewayTargets {

    /** The gateway as an EIP target; another tenant's or an unknown gateway is 404. */
    ElasticIpTarget lockForEip(Caller caller, String natGatewayId);
}
