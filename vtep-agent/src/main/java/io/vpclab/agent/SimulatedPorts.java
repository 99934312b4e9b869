package io.vpclab.agent;

import io.vpclab.agent.port.PortSetupException;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.table.LocalPort;
import java.util.List;

/**
 * Creates the in-process host of a {@code simulated} port, with a few services so that probes
 * have something to find: TCP accepts on {@link #OPEN_TCP_PORTS} (other ports reset) and UDP
 * echo on port 7 (RFC 862).
 */
final class SimulatedPorts {

    static final List<Integer> OPEN_TCP_PORTS = List.of(22, 80, 443);
    static final int UDP_ECHO_PORT = 7;

    private SimulatedPorts() {}

    static FrameDevice create(LocalPort port) {
        if (port.ipAddress() == null) {
            throw new PortSetupException("port " + port.id() + ": a simulated host needs an ipAddress");
        }
        SimulatedHost host = SimulatedHost.forPort(port).udpEcho(UDP_ECHO_PORT);
        OPEN_TCP_PORTS.forEach(host::openTcpPort);
        return host;
    }
}
