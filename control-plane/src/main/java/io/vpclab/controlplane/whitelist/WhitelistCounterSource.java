package io.vpclab.controlplane.whitelist;

import java.util.Map;

/**
 * Where the data plane's whitelist counters come from (the agents' stats reports, kept by the
 * southbound), so this feature shows them without knowing how they arrive.
 */
public interface WhitelistCounterSource {

    /** New flows admitted by rule id, and drops, of one whitelist summed over every host's latest report. */
    Reported reported(String whitelistId);

    record Reported(Map<String, Long> hitsByRule, long drops) {

        public static final Reported NONE = new Reported(Map.of(), 0);

        public Reported {
            hitsByRule = Map.copyOf(hitsByRule);
        }

        public long hits(String ruleId) {
            return hitsByRule.getOrDefault(ruleId, 0L);
        }
    }
}
