package io.vpclab.agent.stats;

import java.util.Map;

/** Anything whose counters the agent prints and serves: groups of named monotonic counters. */
@FunctionalInterface
public interface CounterSource {

    /** A consistent-enough snapshot: group name -> counter name -> value, in a stable order. */
    Map<String, Map<String, Long>> counterGroups();
}
