package io.vpclab.controlplane.southbound;

import io.vpclab.client.model.CaptureCommand;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.ProbeRequest;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;

/**
 * The southbound the features use: a probe or capture command goes down this replica's stream
 * of the host when it has one, else (several replicas) through the {@link AgentRelay} to the
 * replica that serves the host's agent.
 */
@Primary
@Component
class RelayingSouthboundProvider implements SouthboundProvider {

    private final SseSouthboundProvider streams;
    private final ObjectProvider<AgentRelay> relay;

    RelayingSouthboundProvider(SseSouthboundProvider streams, ObjectProvider<AgentRelay> relay) {
        this.streams = streams;
        this.relay = relay;
    }

    @Override
    public void forget(String hostId) {
        streams.forget(hostId);
    }

    @Override
    public Optional<ForwardingTable> desiredTable(String hostId) {
        return streams.desiredTable(hostId);
    }

    @Override
    public boolean sendProbe(String hostId, ProbeRequest request) {
        return streams.sendProbe(hostId, request) || relayed(hostId, AgentRelay.Kind.PROBE, request);
    }

    @Override
    public boolean sendCapture(String hostId, CaptureCommand command) {
        return streams.sendCapture(hostId, command) || relayed(hostId, AgentRelay.Kind.CAPTURE, command);
    }

    private boolean relayed(String hostId, AgentRelay.Kind kind, Object payload) {
        AgentRelay toOthers = relay.getIfAvailable();
        return toOthers != null && toOthers.toAgent(hostId, kind, payload);
    }
}
