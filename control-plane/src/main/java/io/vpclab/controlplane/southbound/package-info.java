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
 * <p>Store changes reach it as the features' change events, after commit ({@code StoreChangeListener});
 * {@code NetworkCompilation} recompiles the hosts a change touches and publishes their tables.
 * With several replicas on PostgreSQL ({@code vpclab.replicas.enabled}): {@code ReplicaChangeFeed}
 * carries changes between them, {@code ReplicaLeadership} elects who runs the jobs that must run
 * once, {@code ReplicaLease} shows a dead replica's hosts disconnected, and {@code AgentRelay}
 * (used by {@code RelayingSouthboundProvider}) passes probes and capture commands to the replica
 * that serves the agent and the agent's answers back; an ack counts on any replica, since
 * generations are allocated in the database.
 *
 * <p>Counter reports live in {@code hoststats}, diagnostics in {@code diagnostics}, the provider
 * network's configuration in {@code publicnetwork}.
 */
package io.vpclab.controlplane.southbound;
