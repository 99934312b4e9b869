package io.vpclab.controlplane.instance;

/**
 * Whether an instance has reached its host's data plane. The southbound answers it from the
 * table generations the host's agent acknowledged; the instance feature only shows it.
 */
public interface InstanceRollout {

    /** True once the agent of {@code hostId} has applied a table generation that holds the instance as it now is. */
    boolean applied(String hostId, String instanceId);
}
