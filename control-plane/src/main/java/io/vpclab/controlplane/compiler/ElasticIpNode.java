package io.vpclab.controlplane.compiler;

import java.util.Objects;

/** An elastic IP associated with an instance of the VPC; ingressPolicy is DENY_ALL, ALLOW_ALL or WHITELIST. */
public record ElasticIpNode(String publicIp, String instanceId, String ingressPolicy) {

    public ElasticIpNode {
        Objects.requireNonNull(publicIp, "publicIp");
        Objects.requireNonNull(instanceId, "instanceId");
        ingressPolicy = ingressPolicy == null ? "DENY_ALL" : ingressPolicy;
    }
}
