/**
 * Counters as the agent shows them: one JSON line (SIGTERM, SIGUSR2, {@code /counters}) and
 * Prometheus text ({@code /metrics}) on loopback. One group per port, segment and the host.
 *
 * <p>The same figures go to the control plane: {@link io.vpclab.agent.southbound.StatsReporter}
 * posts a report every {@code --stats-interval}, assembled from {@link io.vpclab.agent.stats.StatsSection}s
 * (host/ports/segments: {@link io.vpclab.agent.stats.TrafficStatsSection}; whitelists:
 * {@link io.vpclab.agent.stats.WhitelistStatsSection}; a feature adds its own section).
 */
package io.vpclab.agent.stats;
