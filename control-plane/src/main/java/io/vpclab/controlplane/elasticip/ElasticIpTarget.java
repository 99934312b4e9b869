package io.vpclab.controlplane.elasticip;

/** What an EIP maps to: an instance or a NAT gateway, with the private address it translates to. */
public record ElasticIpTarget(
        Kind kind, String id, String tenantId, String vpcId, String subnetId, String privateIpAddress) {

    public enum Kind {
        INSTANCE,
        NAT_GATEWAY
    }
}
