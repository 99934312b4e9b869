package io.vpclab.agent.port;

import io.vpclab.dataplane.port.FrameDevice;

/**
 * A port's instance side, created by {@link PortProvisioner}: the frame device to attach to the
 * data plane, and the removal of everything created for it (TAP, namespace).
 */
public interface ProvisionedPort extends AutoCloseable {

    String portId();

    FrameDevice device();

    /** Removes what was created for the port (the device is closed too). Idempotent. */
    @Override
    void close();
}
