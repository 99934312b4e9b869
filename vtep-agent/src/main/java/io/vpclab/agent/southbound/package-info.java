/**
 * The agent's half of the southbound: register as a host, follow the control plane's table
 * stream (server-sent events: a snapshot, then deltas), apply each generation whole or not at
 * all, acknowledge it, and answer diagnostic probes.
 *
 * <p>While the control plane is away the agent keeps its last applied table and reconnects with
 * backoff, resuming with {@code Last-Event-ID}; any gap or inconsistency, or a delta of another
 * incarnation (another control-plane store), falls back to a fresh snapshot. Nothing here touches packets: applying a table is the {@link
 * io.vpclab.agent.southbound.TableApplier}'s job.
 */
package io.vpclab.agent.southbound;
