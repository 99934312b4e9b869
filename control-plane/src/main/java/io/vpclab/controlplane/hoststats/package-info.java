/**
 * Counters the agents report ({@code POST /api/v1/hosts/{id}/stats}) and the figures read from
 * them: checked and trimmed to what the host's table serves ({@code HostStatsReports},
 * {@code ServedResources}), kept latest and previous per host ({@code HostStatsStore}): in memory
 * with one replica, in the shared database with several ({@code HostStatsTable}).
 * NAT gateway figures take rates from a host's latest two reports; whitelist hits and drops are
 * the sum of every host's latest report.
 *
 * <p>Memory: two reports per registered host; a deregistered host's reports are dropped.
 */
package io.vpclab.controlplane.hoststats;
