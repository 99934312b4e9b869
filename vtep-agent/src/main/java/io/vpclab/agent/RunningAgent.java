package io.vpclab.agent;

import io.vpclab.agent.stats.CounterSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A started agent mode: forwards until closed, and shows its counters. */
public interface RunningAgent extends CounterSource, AutoCloseable {

    /** Re-reads its configuration (SIGHUP); a mode without one logs that there is nothing to reload. */
    default void reload() {}

    /** Completes with a message when the mode cannot go on and the agent must exit non-zero; most never do. */
    default CompletionStage<String> failure() {
        return new CompletableFuture<>();
    }

    /** The forwarding table this agent applied last, as JSON; null when the mode follows no control plane or has none yet. */
    default String appliedTableJson() {
        return null;
    }

    /** Stops forwarding and removes what the mode created. Idempotent. */
    @Override
    void close();
}
