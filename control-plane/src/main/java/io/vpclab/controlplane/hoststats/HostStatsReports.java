package io.vpclab.controlplane.hoststats;

import io.vpclab.api.model.HostStatsReport;
import io.vpclab.api.model.LoopStats;
import io.vpclab.api.model.NatGatewayStats;
import io.vpclab.api.model.PortStats;
import io.vpclab.api.model.SegmentStats;
import io.vpclab.api.model.WhitelistStats;
import io.vpclab.controlplane.system.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks a posted report beyond what bean validation covers (drop counts by reason, duplicate
 * entries) and trims it to what the host serves. A check that fails refuses the whole report.
 */
final class HostStatsReports {

    /** DropReason names as the data plane spells them; anything else is not a reason. */
    private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    private HostStatsReports() {}

    /** Refuses a malformed report; absent lists become empty ones, so later steps need no null checks. */
    static void validate(HostStatsReport report) {
        report.setPorts(orEmpty(report.getPorts()));
        report.setSegments(orEmpty(report.getSegments()));
        report.setNatGateways(orEmpty(report.getNatGateways()));
        report.setWhitelists(orEmpty(report.getWhitelists()));
        report.setLoops(orEmpty(report.getLoops()));
        unique("loops", report.getLoops(), LoopStats::getLoop);
        report.setVpnTunnels(orEmpty(report.getVpnTunnels()));
        unique("vpnTunnels", report.getVpnTunnels(), t -> t.getVpnConnectionId());
        report.setConnections(orEmpty(report.getConnections()));
        unique("connections", report.getConnections(), c -> c.getKind() + "/" + c.getId());
        dropCounts("host", report.getHost().getDropsByReason());
        unique("ports", report.getPorts(), PortStats::getPortId);
        report.getPorts().forEach(p -> dropCounts("port " + p.getPortId(), p.getDropsByReason()));
        unique("segments", report.getSegments(), SegmentStats::getVni);
        report.getSegments().forEach(s -> dropCounts("segment " + s.getVni(), s.getDropsByReason()));
        unique("natGateways", report.getNatGateways(), NatGatewayStats::getNatGatewayId);
        report.getNatGateways().forEach(n -> dropCounts("NAT gateway " + n.getNatGatewayId(), n.getDropsByReason()));
        unique("whitelists", report.getWhitelists(), WhitelistStats::getWhitelistId);
        for (WhitelistStats whitelist : report.getWhitelists()) {
            if (whitelist.getRules() == null) {
                whitelist.setRules(new ArrayList<>());
            }
            unique("rules of " + whitelist.getWhitelistId(), whitelist.getRules(), r -> r.getRuleId());
        }
    }

    /** Drops the parts the host does not serve; NAT gateways by {@code servesNatGateway}. */
    static HostStatsReport trim(HostStatsReport report, ServedResources served, Predicate<String> servesNatGateway) {
        report.setPorts(report.getPorts().stream()
                .filter(p -> served.portIds().contains(p.getPortId()))
                .toList());
        report.setSegments(report.getSegments().stream()
                .filter(s -> served.vnis().contains(s.getVni()))
                .toList());
        report.setWhitelists(report.getWhitelists().stream()
                .filter(w -> served.whitelistIds().contains(w.getWhitelistId()))
                .toList());
        report.setNatGateways(report.getNatGateways().stream()
                .filter(n -> servesNatGateway.test(n.getNatGatewayId()))
                .toList());
        return report;
    }

    private static <T> List<T> orEmpty(List<T> items) {
        return items == null ? new ArrayList<>() : items;
    }

    private static void dropCounts(String where, Map<String, Long> byReason) {
        if (byReason == null) {
            return;
        }
        byReason.forEach((reason, count) -> {
            if (reason == null || !REASON.matcher(reason).matches()) {
                throw ApiException.invalidParameter(
                        where + ": drop reason '" + reason + "' is not a reason name (upper case, e.g. NO_ROUTE)");
            }
            if (count == null || count < 0) {
                throw ApiException.invalidParameter(where + ": drops of " + reason + " must be >= 0, got " + count);
            }
        });
    }

    private static <T, K> void unique(String what, List<T> items, Function<T, K> key) {
        if (items == null) {
            return;
        }
        Set<K> seen = new HashSet<>();
        for (T item : items) {
            if (item == null) {
                throw ApiException.invalidParameter(what + " hold a null entry");
            }
            if (!seen.add(key.apply(item))) {
                throw ApiException.invalidParameter(what + " name " + key.apply(item) + " twice");
            }
        }
    }
}
