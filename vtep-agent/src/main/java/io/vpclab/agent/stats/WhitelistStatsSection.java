package io.vpclab.agent.stats;

import io.vpclab.client.model.HostStatsReport;
import io.vpclab.client.model.WhitelistRuleStats;
import io.vpclab.client.model.WhitelistStats;
import io.vpclab.dataplane.stats.WhitelistSnapshot;
import java.util.Map;
import java.util.function.Supplier;

/** Each installed whitelist's rule hits (new flows admitted) and drops, from one VTEP snapshot. */
public final class WhitelistStatsSection implements StatsSection {

    private final Supplier<Map<String, WhitelistSnapshot>> whitelists;

    /** @param whitelists a snapshot taken on the VTEP's loop, e.g. {@code vtep::whitelistCounters} */
    public WhitelistStatsSection(Supplier<Map<String, WhitelistSnapshot>> whitelists) {
        this.whitelists = whitelists;
    }

    @Override
    public void contribute(HostStatsReport report) {
        for (WhitelistSnapshot whitelist : whitelists.get().values()) {
            report.addWhitelistsItem(new WhitelistStats()
                    .whitelistId(whitelist.whitelistId())
                    .drops(whitelist.drops())
                    .rules(whitelist.rules().stream()
                            .map(r ->
                                    new WhitelistRuleStats().ruleId(r.ruleId()).hits(r.hits()))
                            .toList()));
        }
    }
}
