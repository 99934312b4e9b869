package io.vpclab.agent.southbound;

import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import java.util.function.Consumer;

/** Runs a diagnostic (ping, traceroute, TCP or UDP probe) from one of this agent's ports. */
@FunctionalInterface
public interface ProbeRunner {

    /** Blocks until the probe is over; failures to run are reported in {@link ProbeResult#getError()}. */
    ProbeResult run(ProbeRequest request);

    /**
     * As {@link #run(ProbeRequest)}, telling {@code partials} each piece of an exec's output while it
     * runs when the request asks to stream; runners that have nothing to stream answer at the end only.
     */
    default ProbeResult run(ProbeRequest request, Consumer<ProbeResult> partials) {
        return run(request);
    }
}
