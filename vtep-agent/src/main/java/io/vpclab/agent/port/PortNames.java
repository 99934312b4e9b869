package io.vpclab.agent.port;

import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.net.DeviceName;

/** Device and namespace names of a port: given in the table, or derived from its id ({@link DeviceName}). */
final class PortNames {

    private PortNames() {}

    static String device(LocalPort port) {
        return port.device() != null
                ? port.device()
                : DeviceName.derivedFrom(port.id()).value();
    }

    static String namespace(LocalPort port) {
        return port.namespace() != null ? port.namespace() : DeviceName.namespaceFor(port.id());
    }
}
