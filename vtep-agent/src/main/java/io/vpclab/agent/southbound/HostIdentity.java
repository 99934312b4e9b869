package io.vpclab.agent.southbound;

import java.util.Objects;

/** Who this agent is to the control plane: its host id and the host token issued at registration. */
public record HostIdentity(String hostId, String token) {

    public HostIdentity {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(token, "token");
    }
}
