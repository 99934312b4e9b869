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
 * resumes without a snapshot unless it fell further behind. Event ids are
 * {@code <incarnation>-<generation>} with an incarnation drawn at each start, and only acks of
 * the current incarnation count: after a restart every agent gets a snapshot, and every host is
 * disconnected until its agent follows this run's stream (docs/southbound.md).
 *
 * <p>Agents also post counter reports ({@code POST /api/v1/hosts/{id}/stats}): checked and trimmed
 * to what the host's table serves ({@code HostStatsReports}, {@code ServedResources}) and kept in
 * memory, latest and previous per host ({@link io.vpclab.controlplane.southbound.HostStatsStore});
 * whitelist hits and drops shown by the API are the sum of every host's latest report.
 */
package io.vpclab.controlplane.southbound;
