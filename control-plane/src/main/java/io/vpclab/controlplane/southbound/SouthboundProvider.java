package io.vpclab.controlplane.southbound;

import io.vpclab.client.model.CaptureCommand;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.ProbeRequest;
import java.util.Optional;

/** Control plane -> agent: tables, probe requests and capture commands. */
public interface SouthboundProvider {

    /** Forgets a deregistered host and closes its streams. */
    void forget(String hostId);

    /** The host's current desired table, if one was ever published. */
    Optional<ForwardingTable> desiredTable(String hostId);

    /** Sends a probe request on the host's stream; false when no agent of that host is connected. */
    boolean sendProbe(String hostId, ProbeRequest request);

    /** Sends a capture command (start or stop) on the host's stream; false when no agent of that host is connected. */
    boolean sendCapture(String hostId, CaptureCommand command);
}
