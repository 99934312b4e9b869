package io.vpclab.dataplane.stats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Security group and network ACL counters at one moment, cumulative since the VTEP started.
 *
 * @param ruleHits   by {@code groupId/ruleId}: new flows the rule admitted (tracked packets and
 *                   replies are not counted)
 * @param entryHits  by {@code aclId/ingress/100} (or {@code egress/...}): packets the entry decided,
 *                   allowed or denied; {@code aclId/*} counts the final deny
 */
public record SecurityPolicySnapshot(Map<String, Long> ruleHits, Map<String, Long> entryHits) {

    public static final SecurityPolicySnapshot EMPTY = new SecurityPolicySnapshot(Map.of(), Map.of());

    public SecurityPolicySnapshot {
        ruleHits = Map.copyOf(ruleHits);
        entryHits = Map.copyOf(entryHits);
    }

    /** The sum of this and {@code other} (counted on another event loop of the same VTEP). */
    public SecurityPolicySnapshot plus(SecurityPolicySnapshot other) {
        return new SecurityPolicySnapshot(sum(ruleHits, other.ruleHits), sum(entryHits, other.entryHits));
    }

    private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> summed = new LinkedHashMap<>(a);
        b.forEach((key, hits) -> summed.merge(key, hits, Long::sum));
        return summed;
    }
}
