package io.vpclab.agent.stats;

import io.vpclab.client.model.HostStatsReport;

/**
 * One part of the report an agent posts to the control plane (host, ports and segments;
 * whitelists; NAT gateways). Called on the reporter's thread, never on the event loop: a
 * section reads the data plane through its snapshot methods.
 */
@FunctionalInterface
public interface StatsSection {

    /** Adds this section's figures to {@code report}; must not touch what other sections set. */
    void contribute(HostStatsReport report);
}
