package io.vpclab.controlplane.hoststats;

import io.vpclab.api.model.WhitelistRuleStats;
import io.vpclab.api.model.WhitelistStats;
import io.vpclab.controlplane.whitelist.WhitelistCounterSource;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Whitelist counters summed over the latest report of every host: each host counts the flows it
 * filtered (elastic IPs at their instance's host, NAT gateways at theirs), cumulative since its
 * agent started, so the sum of latest reports is the whitelist's total.
 */
@Component
class ReportedWhitelistCounterSource implements WhitelistCounterSource {

    private final HostStatsStore store;

    ReportedWhitelistCounterSource(HostStatsStore store) {
        this.store = store;
    }

    @Override
    public Reported reported(String whitelistId) {
        Map<String, Long> hits = new HashMap<>();
        long drops = 0;
        for (HostStatsStore.ReceivedStats received : store.latestOfAllHosts().values()) {
            for (WhitelistStats whitelist : received.report().getWhitelists()) {
                if (!whitelist.getWhitelistId().equals(whitelistId)) {
                    continue;
                }
                drops += whitelist.getDrops();
                for (WhitelistRuleStats rule : whitelist.getRules()) {
                    hits.merge(rule.getRuleId(), rule.getHits(), Long::sum);
                }
            }
        }
        return new Reported(hits, drops);
    }
}
