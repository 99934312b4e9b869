package io.vpclab.dataplane.table;

/**
 * Which new flows a NAT gateway lets out (contract schema {@code NatGatewayPort.egressPolicy}).
 * Replies of a flow it let out always pass back in.
 */
public enum EgressPolicy {
    /** Every new flow from an associated subnet (the default). */
    ALLOW_ALL,
    /** Only new flows an egress filter (the gateway's whitelist) allows; without a filter, none. */
    WHITELIST
}
