/**
 * The control plane's half of the southbound: one generation log per host, server-sent event
 * streams that carry a snapshot and then deltas, acknowledgements, connection status and the
 * convergence time of each change (API commit -> the last affected host's ack).
 *
 * <p>Two small interfaces, one per direction, as ONOS's FlowRuleProvider / FlowRuleProviderService:
 * {@link io.vpclab.controlplane.southbound.SouthboundProvider} pushes tables to hosts and
 * {@link io.vpclab.controlplane.southbound.SouthboundProviderService} hears from them.
 *
 * <p>Memory per host: its current table plus the last {@value
 * io.vpclab.controlplane.southbound.HostTableLog#RETAINED_DELTAS} deltas, so a reconnecting agent
 * resumes without a snapshot unless it fell further behind.
 */
package io.vpclab.controlplane.southbound;
