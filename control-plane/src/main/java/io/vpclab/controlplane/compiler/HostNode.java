package io.vpclab.controlplane.compiler;

import java.util.Objects;

/** A VTEP host as the compiler sees it. */
public record HostNode(String id, String name, String underlayIp, int udpPort, int underlayMtu) {

    public HostNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(underlayIp, "underlayIp");
    }
}
