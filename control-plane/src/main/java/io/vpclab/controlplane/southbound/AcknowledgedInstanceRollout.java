package io.vpclab.controlplane.southbound;

import io.vpclab.controlplane.host.Host;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.instance.InstanceRollout;
import io.vpclab.controlplane.system.Caller;
import java.util.OptionalLong;
import org.springframework.stereotype.Component;

/**
 * An instance is applied when its host's agent has acknowledged a generation at or after the one
 * that put its port, as it now is, into the host's desired table. No table yet (the compile runs
 * after the commit), no agent, or an agent behind: pending. Applied on a host that is disconnected
 * now: unreachable.
 */
@Component
class AcknowledgedInstanceRollout implements InstanceRollout {

    private final SseSouthboundProvider streams;
    private final HostService hosts;

    AcknowledgedInstanceRollout(SseSouthboundProvider streams, HostService hosts) {
        this.streams = streams;
        this.hosts = hosts;
    }

    @Override
    public Stage stage(String hostId, String instanceId) {
        OptionalLong since = streams.portSince(hostId, instanceId);
        if (since.isEmpty()) {
            return Stage.PENDING;
        }
        Host host;
        try {
            host = hosts.get(Caller.admin(), hostId);
        } catch (RuntimeException deregistered) {
            return Stage.PENDING;
        }
        if (host.appliedGeneration() < since.getAsLong()) {
            return Stage.PENDING;
        }
        return host.status() == Host.Status.CONNECTED ? Stage.RUNNING : Stage.UNREACHABLE;
    }
}
