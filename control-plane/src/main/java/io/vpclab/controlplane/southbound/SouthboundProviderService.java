package io.vpclab.controlplane.southbound;

import io.vpclab.client.model.ProbeResult;

/** Agent -> control plane: acknowledgements, connection status and probe results. */
public interface SouthboundProviderService {

    void acknowledged(String hostId, long generation);

    void connected(String hostId);

    void disconnected(String hostId);

    void probeResult(String hostId, ProbeResult result);
}
