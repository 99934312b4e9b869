/**
 * Counters as the agent shows them: one JSON line (SIGTERM, SIGUSR2, {@code /counters}) and
 * Prometheus text ({@code /metrics}) on loopback. One group per port, segment and the host.
 */
package io.vpclab.agent.stats;
