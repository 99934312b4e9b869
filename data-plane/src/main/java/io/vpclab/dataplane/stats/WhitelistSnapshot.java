package io.vpclab.dataplane.stats;

import java.util.List;

/**
 * One whitelist's counters at one moment, cumulative since the VTEP started.
 *
 * @param rules by rule, in rule order: new flows the rule admitted (replies and later packets of
 *              an admitted flow are not counted)
 * @param drops packets of new flows no rule admitted
 */
public record WhitelistSnapshot(String whitelistId, List<RuleHits> rules, long drops) {

    public WhitelistSnapshot {
        rules = List.copyOf(rules);
    }

    /** New flows one rule admitted. */
    public record RuleHits(String ruleId, long hits) {}

    /**
     * The sum of this and {@code other} (the same whitelist counted on another event loop): hits
     * by rule id, in this snapshot's rule order.
     */
    public WhitelistSnapshot plus(WhitelistSnapshot other) {
        List<RuleHits> summed = rules.stream()
                .map(r -> new RuleHits(r.ruleId(), r.hits() + other.hits(r.ruleId())))
                .toList();
        return new WhitelistSnapshot(whitelistId, summed, drops + other.drops);
    }

    /** The hits of {@code ruleId}, 0 when the rule is not (or no longer) in the whitelist. */
    public long hits(String ruleId) {
        return rules.stream()
                .filter(r -> r.ruleId().equals(ruleId))
                .mapToLong(RuleHits::hits)
                .sum();
    }
}
