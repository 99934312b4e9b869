package io.vpclab.controlplane.eip;

/** What an EIP maps to: an instance or a NAT gateway, with the private address it translates to. */
public record EipTarget(Kind kind, String id, String tenantId, String vpcId, String subnetId, String privateIpAddress) {

    public enum Kind { INSTANCE, NAT_GATEWAY }
}
