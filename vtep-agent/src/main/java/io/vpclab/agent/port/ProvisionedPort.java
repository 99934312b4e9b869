package io.vpclab.agent.port;

import io.vpclab.dataplane.port.FrameDevice;

/**
 * A port's instance side, created by {@link PortProvisioner}: the frame device to attach to the
 * data plane, and the removal of everything created for it (TAP, namespace).
 */
public interface ProvisionedPort extends AutoCloseable {

    String portId();

    FrameDevice device();

    /** Closes the device and removes what was created for the port. Idempotent. */
    @Override
    void close();

    /**
     * Removes what was created for the port once its device was closed by its new owner (the
     * data plane closes attached devices itself). Idempotent.
     */
    void removeCreated();
}
