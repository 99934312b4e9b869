package io.vpclab.agent.stats;

import io.vpclab.client.model.HostStatsReport;
import io.vpclab.client.model.RuleHitStats;
import io.vpclab.dataplane.stats.SecurityPolicySnapshot;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Security group rule hits (new flows admitted) and network ACL entry hits (packets decided,
 * the final deny included): the rule behind a SECURITY_GROUP_DENIED or NETWORK_ACL_DENIED drop.
 */
public final class SecurityPolicyStatsSection implements StatsSection {

    private final Supplier<SecurityPolicySnapshot> counters;

    /** @param counters a snapshot taken on the VTEP's loops, e.g. {@code vtep::securityPolicyCounters} */
    public SecurityPolicyStatsSection(Supplier<SecurityPolicySnapshot> counters) {
        this.counters = counters;
    }

    @Override
    public void contribute(HostStatsReport report) {
        SecurityPolicySnapshot snapshot = counters.get();
        report.securityGroupRules(hits(snapshot.ruleHits()));
        report.networkAclEntries(hits(snapshot.entryHits()));
    }

    private static List<RuleHitStats> hits(Map<String, Long> byId) {
        return byId.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new RuleHitStats().id(e.getKey()).hits(e.getValue()))
                .toList();
    }
}
