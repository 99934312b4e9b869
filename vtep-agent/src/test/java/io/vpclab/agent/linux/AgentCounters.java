package io.vpclab.agent.linux;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The counters an agent prints on SIGTERM ({@code counters {json}}), read back by the Linux tests. */
record AgentCounters(JsonNode groups) {

    /** The last {@code counters} line of an agent's output; throws with the output when there is none. */
    static AgentCounters lastIn(String output) {
        String line = output.lines()
                .filter(l -> l.startsWith("counters {"))
                .reduce((first, last) -> last)
                .orElseThrow(() -> new AssertionError("no counters line in the agent's output:\n" + output));
        return new AgentCounters(JsonMapper.builder().build().readTree(line.substring("counters ".length())));
    }

    /** A counter, e.g. {@code get("offload", "tsoBursts")}; a missing one reads as -1 so assertions show it. */
    long get(String group, String counter) {
        JsonNode value = groups.path(group).path(counter);
        return value.isMissingNode() ? -1 : value.asLong();
    }

    @Override
    public String toString() {
        return groups.toString();
    }
}
