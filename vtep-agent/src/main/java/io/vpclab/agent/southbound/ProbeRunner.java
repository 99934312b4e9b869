package io.vpclab.agent.southbound;

import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;

/** Runs a diagnostic (ping, traceroute, TCP or UDP probe) from one of this agent's ports. */
@FunctionalInterface
public interface ProbeRunner {

    /** Blocks until the probe is over; failures to run are reported in {@link ProbeResult#getError()}. */
    ProbeResult run(ProbeRequest request);
}
