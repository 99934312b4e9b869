package io.vpclab.agent;

import io.vpclab.agent.port.PortSetupException;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.table.LocalPort;

/** Creates the in-process host of a {@code simulated} port. */
final class SimulatedPorts {

    private SimulatedPorts() {
    }

    static FrameDevice create(LocalPort port) {
        if (port.ipAddress() == null) {
            throw new PortSetupException("port " + port.id() + ": a simulated host needs an ipAddress");
        }
        return SimulatedHost.forPort(port);
    }
}
