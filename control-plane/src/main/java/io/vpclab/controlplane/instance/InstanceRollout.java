package io.vpclab.controlplane.instance;

/**
 * Whether an instance has reached its host's data plane. The southbound answers it from the
 * table generations the host's agent acknowledged and the host's connection; the instance feature
 * only shows it.
 */
public interface InstanceRollout {

    /** The instance's lifecycle as the API shows it ({@code InstanceState}). */
    enum Stage {
        /** Its host's agent has not applied a table generation that holds it as it now is. */
        PENDING,
        /** Applied, and the host's agent is connected. */
        RUNNING,
        /** Applied, but the host is disconnected: whether it still forwards cannot be known. */
        UNREACHABLE
    }

    Stage stage(String hostId, String instanceId);
}
