package io.vpclab.topology.apply;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostStatsApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.model.EffectiveRoute;
import io.vpclab.client.model.HostStatsReport;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.PortStats;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.RouteState;
import io.vpclab.client.model.RouteTargetType;
import io.vpclab.client.model.RuleHitStats;
import io.vpclab.client.model.SecurityGroup;
import io.vpclab.client.model.SecurityGroupRule;
import io.vpclab.topology.Topology.DecidedBy;
import io.vpclab.topology.Topology.Expectation;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an expectation's decidedBy against what the real probe made the data plane count, on the
 * hosts of its source and its target (where groups and ACLs are enforced): a security group rule's
 * new flows, SECURITY_GROUP_DENIED at the refusing port, an ACL entry's packets, or the source
 * subnet's route (BLACKHOLE_ROUTE counted when it is a blackhole). Agents report counters about
 * once a second, so each check waits for a report taken after the previous probe before it starts,
 * and for the counter to move after it.
 */
final class DecidingRuleCheck {

    private static final String DEFAULT_GROUP = "default";
    private static final String FINAL_DENY = "32767";
    /** How long the counters may take to show a probe: a few of the agents' one-second reports. */
    private static final Duration REPORT_WAIT = Duration.ofSeconds(5);

    /**
     * The counters a decision is read from, summed over the source's and the target's hosts, and
     * when each host's report was taken.
     */
    record Counters(Map<String, Long> values, Map<String, OffsetDateTime> takenAt) {}

    /**
     * Reports a host must send, taken after the one it had when the probe's answer came back,
     * before counters that have not moved are taken as final. The probe's packets are counted before
     * its answer leaves the agent, so the first such report holds them unless it was still on its
     * way; the second leaves no doubt. Agents that report slowly make the wait longer, up to
     * {@link #REPORT_WAIT}.
     */
    private static final int REPORTS_UNTIL_STILL = 2;

    private final HostStatsApi stats;
    private final SecurityGroupsApi groups;
    private final Applied applied;
    /** Host counters are the admin's to read; a tenant's token cannot check decidedBy against them. */
    private volatile boolean countersHidden;

    DecidingRuleCheck(ApiClient api, Applied applied) {
        this.stats = new HostStatsApi(api);
        this.groups = new SecurityGroupsApi(api);
        this.applied = applied;
    }

    /** The counters the expectation's decidedBy is read from, before the probe; null when it names none. */
    Counters before(Expectation expectation) throws ApiException, InterruptedException {
        if (expectation.decidedBy() == null || expectation.decidedBy().routeTable() != null) {
            return null;
        }
        Map<String, OffsetDateTime> seen = new LinkedHashMap<>();
        for (String hostId : hosts(expectation)) {
            HostStatsReport report = report(hostId);
            seen.put(hostId, report == null ? null : report.getTakenAt());
        }
        // a report taken after the previous probe: its traffic is in the baseline, not in this probe's delta
        long deadline = System.nanoTime() + REPORT_WAIT.toNanos();
        for (Map.Entry<String, OffsetDateTime> host : seen.entrySet()) {
            while (System.nanoTime() < deadline && !newer(report(host.getKey()), host.getValue())) {
                Thread.sleep(50);
            }
        }
        return read(expectation, keys(expectation));
    }

    /**
     * After the probe: what the counters show for the named decision, and whether that is it (the
     * rule or entry counted, the drop reason counted, the route used).
     */
    Decision after(Expectation expectation, Counters before, ProbeResult probe, EffectiveRoute route)
            throws ApiException, InterruptedException {
        DecidedBy by = expectation.decidedBy();
        if (by == null) {
            return null;
        }
        if (by.routeTable() != null) {
            return route(expectation, probe, route);
        }
        if (countersHidden && !probeCounted(by, probe)) {
            return new Decision(false, "the hosts' counters are read with the admin token only: not checked");
        }
        if (before.values().isEmpty() && !probeCounted(by, probe)) {
            return new Decision(false, "the server has no " + by.describe() + " on the path of this probe");
        }
        long deadline = System.nanoTime() + REPORT_WAIT.toNanos();
        // the keys do not change while the probe runs: read them once (a group's rules are an API call)
        Set<String> keys = new LinkedHashSet<>(before.values().keySet());
        Counters now = read(expectation, keys);
        Map<String, OffsetDateTime> lastReport = new HashMap<>(now.takenAt());
        Map<String, Integer> reportsSince = new HashMap<>();
        Map<String, Long> delta;
        while (true) {
            delta = delta(before.values(), now.values());
            if (probeCounted(by, probe) || !delta.isEmpty() || still(expectation, reportsSince)) {
                break;
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            Thread.sleep(100);
            now = read(expectation, keys);
            now.takenAt().forEach((host, taken) -> {
                OffsetDateTime last = lastReport.get(host);
                if (last == null || taken.isAfter(last)) {
                    lastReport.put(host, taken);
                    reportsSince.merge(host, 1, Integer::sum);
                }
            });
        }
        if (by.securityGroup() != null && by.rule() == null) {
            boolean denied = probeCounted(by, probe) || !delta.isEmpty();
            return new Decision(
                    denied,
                    denied
                            ? "SECURITY_GROUP_DENIED counted " + (delta.isEmpty() ? "at the source" : "at " + delta)
                            : "no SECURITY_GROUP_DENIED counted at the ports of " + expectation.from() + " or "
                                    + expectation.to() + " while the probe ran");
        }
        if (delta.isEmpty()) {
            String what = by.securityGroup() != null ? "new flows of " : "packets of ";
            return new Decision(
                    false,
                    "no " + what + String.join(", ", before.values().keySet()) + " counted while the probe ran"
                            + (by.securityGroup() != null && expectation.probe().equals("ping")
                                    ? " (a ping repeats its echo id: a flow still tracked passes without a rule)"
                                    : ""));
        }
        return new Decision(true, "counted " + delta);
    }

    /** What the counters showed: met, and the text the report carries. */
    record Decision(boolean met, String text) {}

    private Decision route(Expectation expectation, ProbeResult probe, EffectiveRoute route) {
        DecidedBy by = expectation.decidedBy();
        String tableId = applied.routeTableIds.get(vpcOf(expectation.from()) + "/" + by.routeTable());
        if (route == null) {
            return new Decision(false, "no route of the source subnet covers the target");
        }
        boolean sameRoute = route.getRouteTableId() != null
                && route.getRouteTableId().equals(tableId)
                && route.getDestinationCidrBlock().equals(by.route());
        if (!sameRoute) {
            return new Decision(
                    false,
                    "the source subnet uses " + route.getDestinationCidrBlock() + " of " + route.getRouteTableId());
        }
        boolean blackhole =
                route.getTargetType() == RouteTargetType.BLACKHOLE || route.getState() == RouteState.BLACKHOLE;
        if (!blackhole) {
            return new Decision(true, "route " + by.route() + " of " + tableId);
        }
        boolean counted =
                probe.getDropReasons() != null && probe.getDropReasons().containsKey("BLACKHOLE_ROUTE");
        return new Decision(
                counted,
                "route " + by.route() + " of " + tableId + " is a blackhole; BLACKHOLE_ROUTE "
                        + (counted ? "counted at the source" : "not counted at the source"));
    }

    /** SECURITY_GROUP_DENIED at the source's own port shows in the probe's drops. */
    private static boolean probeCounted(DecidedBy by, ProbeResult probe) {
        return by.securityGroup() != null
                && by.rule() == null
                && probe.getDropReasons() != null
                && probe.getDropReasons().containsKey("SECURITY_GROUP_DENIED");
    }

    /** True when every host of the probe has sent {@link #REPORTS_UNTIL_STILL} reports since it came back. */
    private boolean still(Expectation expectation, Map<String, Integer> reportsSince) {
        return hosts(expectation).stream().allMatch(h -> reportsSince.getOrDefault(h, 0) >= REPORTS_UNTIL_STILL);
    }

    /** The decision's counters now, summed over the source's and target's hosts (absent ones as 0). */
    private Counters read(Expectation expectation, Set<String> keys) throws ApiException {
        Map<String, Long> values = new LinkedHashMap<>();
        Map<String, OffsetDateTime> takenAt = new HashMap<>();
        keys.forEach(k -> values.put(k, 0L));
        for (String hostId : hosts(expectation)) {
            HostStatsReport report = report(hostId);
            if (report == null) {
                continue;
            }
            takenAt.put(hostId, report.getTakenAt());
            List<RuleHitStats> hits = new ArrayList<>();
            if (report.getSecurityGroupRules() != null) {
                hits.addAll(report.getSecurityGroupRules());
            }
            if (report.getNetworkAclEntries() != null) {
                hits.addAll(report.getNetworkAclEntries());
            }
            for (RuleHitStats hit : hits) {
                values.computeIfPresent(hit.getId(), (k, v) -> v + hit.getHits());
            }
            if (report.getPorts() != null) {
                for (PortStats port : report.getPorts()) {
                    String key = port.getPortId() + "/SECURITY_GROUP_DENIED";
                    if (keys.contains(key) && port.getDropsByReason() != null) {
                        values.merge(key, port.getDropsByReason().getOrDefault("SECURITY_GROUP_DENIED", 0L), Long::sum);
                    }
                }
            }
        }
        return new Counters(values, takenAt);
    }

    /**
     * The counter IDs as the agents report them: groupId/ruleId for a rule, aclId/ingress/100 (or
     * aclId/* for the final deny) for an entry, portId/SECURITY_GROUP_DENIED for a group's refusal
     * at the target's port.
     */
    private Set<String> keys(Expectation expectation) throws ApiException {
        DecidedBy by = expectation.decidedBy();
        Set<String> keys = new LinkedHashSet<>();
        if (by.securityGroup() != null && by.rule() == null) {
            Instance target = targetInstance(expectation);
            if (target != null) {
                keys.add(target.getInstanceId() + "/SECURITY_GROUP_DENIED");
            }
            return keys;
        }
        if (by.securityGroup() != null) {
            String groupId = pathId(applied.groupIds, expectation, by.securityGroup());
            if (groupId != null) {
                SecurityGroup group = groups.getSecurityGroup(groupId);
                List<SecurityGroupRule> rules = new ArrayList<>(group.getIngressRules());
                rules.addAll(group.getEgressRules());
                rules.stream()
                        .filter(r -> by.rule().equals(r.getDescription()))
                        .forEach(r -> keys.add(groupId + "/" + r.getSecurityGroupRuleId()));
            }
            return keys;
        }
        String aclId = pathId(applied.aclIds, expectation, by.networkAcl());
        if (aclId != null) {
            if (by.rule().equals(FINAL_DENY) || by.rule().equals("*")) {
                keys.add(aclId + "/*");
            } else {
                if (!"outbound".equals(by.direction())) {
                    keys.add(aclId + "/ingress/" + by.rule());
                }
                if (!"inbound".equals(by.direction())) {
                    keys.add(aclId + "/egress/" + by.rule());
                }
            }
        }
        return keys;
    }

    /** The ID of a group or ACL by name, in the target's VPC first, then the source's. */
    private String pathId(Map<String, String> ids, Expectation expectation, String name) {
        Instance target = targetInstance(expectation);
        String targetVpc = target == null ? null : vpcOf(targetName(expectation));
        String fromVpc = vpcOf(expectation.from());
        for (String vpc : new String[] {targetVpc, fromVpc}) {
            if (vpc != null && ids.containsKey(vpc + "/" + name)) {
                return ids.get(vpc + "/" + name);
            }
        }
        return null;
    }

    private String vpcOf(String instanceName) {
        return instanceName == null ? null : applied.instanceVpcs.get(instanceName);
    }

    private static String targetName(Expectation expectation) {
        return expectation.to().startsWith("eip:") ? expectation.to().substring(4) : expectation.to();
    }

    private Instance targetInstance(Expectation expectation) {
        return applied.instances.get(targetName(expectation));
    }

    private Set<String> hosts(Expectation expectation) {
        Set<String> hosts = new LinkedHashSet<>();
        hosts.add(applied.instances.get(expectation.from()).getHostId());
        Instance target = targetInstance(expectation);
        if (target != null) {
            hosts.add(target.getHostId());
        }
        return hosts;
    }

    private HostStatsReport report(String hostId) throws ApiException {
        try {
            return stats.getHostStats(hostId).getReport();
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return null; // no report yet
            }
            if (e.getCode() == 401 || e.getCode() == 403) {
                countersHidden = true;
                return null;
            }
            throw e;
        }
    }

    private static boolean newer(HostStatsReport report, OffsetDateTime than) {
        return report != null && (than == null || report.getTakenAt().isAfter(than));
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> now) {
        Map<String, Long> delta = new LinkedHashMap<>();
        now.forEach((key, value) -> {
            long grown = value - before.getOrDefault(key, 0L);
            if (grown > 0) {
                delta.put(key, grown);
            }
        });
        return delta;
    }
}
