package io.vpclab.controlplane.compiler;

import java.util.Objects;

/** A flow log configuration of a VPC: the VPC, subnet or instance it covers and its aggregation interval. */
public record FlowLogNode(String resourceId, int intervalSeconds) {

    public FlowLogNode {
        Objects.requireNonNull(resourceId, "resourceId");
    }
}
