package io.vpclab.controlplane.compiler;

import java.util.Objects;

/**
 * An elastic IP associated with an instance of the VPC; ingressPolicy is DENY_ALL, ALLOW_ALL or
 * WHITELIST, and {@code whitelist} is the whitelist of a WHITELIST policy (null otherwise).
 */
public record ElasticIpNode(String publicIp, String instanceId, String ingressPolicy, WhitelistNode whitelist) {

    public ElasticIpNode {
        Objects.requireNonNull(publicIp, "publicIp");
        Objects.requireNonNull(instanceId, "instanceId");
        ingressPolicy = ingressPolicy == null ? "DENY_ALL" : ingressPolicy;
        if ("WHITELIST".equals(ingressPolicy) && whitelist == null) {
            throw new IllegalArgumentException("elastic IP " + publicIp + ": the WHITELIST policy needs its whitelist");
        }
    }

    /** An elastic IP whose policy names no whitelist. */
    public ElasticIpNode(String publicIp, String instanceId, String ingressPolicy) {
        this(publicIp, instanceId, ingressPolicy, null);
    }
}
