package io.vpclab.dataplane.pipeline;

import io.vpclab.dataplane.stats.WhitelistSnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.Whitelist;
import io.vpclab.dataplane.table.WhitelistRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a NEW flow may pass a whitelist of the installed table, and counts the
 * decision: a hit on the first matching rule, or a drop of the whitelist. Stateless about flows:
 * the caller keeps its own connection tracking and asks only for packets that start a flow, so
 * replies and later packets of an admitted flow are neither matched nor counted.
 *
 * <p>Usage (on the event loop, from a stage such as {@link ElasticIpNat} or a NAT gateway; the
 * whitelist index comes from the same table, e.g. {@link ForwardingState#elasticIpWhitelist} or
 * {@link ForwardingState#whitelistIndexOf} at table build time):
 *
 * <pre>{@code
 * // remoteIp: the far side (source of a flow into an elastic IP, destination of a flow out of a
 * // NAT gateway); destinationPort: the TCP/UDP destination port of the flow's first packet (0 for
 * // ICMP and other protocols, whose rules ignore ports)
 * if (!whitelists.admit(whitelist, protocol, remoteIp, destinationPort)) {
 *     forwarding.drop(t, port, segment, DropReason.WHITELIST_DENIED, frame);
 *     return;
 * }
 * // ... record the flow in the connection table so its replies pass without asking again
 * }</pre>
 *
 * <p>Counters are kept by whitelist id and rule id, so they survive table installs (a rule
 * changed in the API keeps its id and its count). Loop-confined, allocation-free per packet;
 * {@link #snapshot()} is read on the loop too (the {@code Vtep} facade hops there).
 */
public final class WhitelistFilter {

    /** One whitelist's counters, kept across generations. */
    private static final class Tally {
        long drops;
        final Map<String, long[]> hitsByRule = new HashMap<>();
    }

    private final Map<String, Tally> talliesById = new HashMap<>();
    private ForwardingState state;
    private Tally[] tallies = new Tally[0];
    private long[][][] ruleHits = new long[0][][];

    WhitelistFilter() {}

    /**
     * True when a rule of {@code whitelist} admits a new flow of IPv4 {@code protocol} with
     * {@code remoteIp} and {@code destinationPort}; counts the rule's hit, or else the whitelist's drop.
     */
    public boolean admit(int whitelist, int protocol, int remoteIp, int destinationPort) {
        return admit(whitelist, protocol, remoteIp, destinationPort, 1);
    }

    /** As {@link #admit(int, int, int, int)} for {@code packets} wire packets decided at once (a burst): drops count each. */
    public boolean admit(int whitelist, int protocol, int remoteIp, int destinationPort, int packets) {
        int rule = state.whitelistMatch(whitelist, protocol, remoteIp, destinationPort);
        if (rule == ForwardingState.NONE) {
            tallies[whitelist].drops += packets;
            return false;
        }
        ruleHits[whitelist][rule][0]++;
        return true;
    }

    /** Points the filter at a newly installed table (called by the pipeline on every rebuild). */
    void install(ForwardingState next) {
        if (next == state) {
            return;
        }
        int count = next.whitelistCount();
        Tally[] nextTallies = new Tally[count];
        long[][][] nextHits = new long[count][][];
        for (int w = 0; w < count; w++) {
            Whitelist whitelist = next.whitelists().get(w);
            Tally tally = talliesById.computeIfAbsent(whitelist.id(), id -> new Tally());
            nextTallies[w] = tally;
            nextHits[w] = new long[whitelist.rules().size()][];
            for (int r = 0; r < nextHits[w].length; r++) {
                nextHits[w][r] = tally.hitsByRule.computeIfAbsent(
                        whitelist.rules().get(r).id(), id -> new long[1]);
            }
        }
        state = next;
        tallies = nextTallies;
        ruleHits = nextHits;
    }

    /** The counters of every whitelist in the installed table, by id, rules in table order. */
    public Map<String, WhitelistSnapshot> snapshot() {
        Map<String, WhitelistSnapshot> snapshot = new LinkedHashMap<>();
        for (int w = 0; w < tallies.length; w++) {
            Whitelist whitelist = state.whitelists().get(w);
            List<WhitelistSnapshot.RuleHits> rules =
                    new ArrayList<>(whitelist.rules().size());
            for (int r = 0; r < whitelist.rules().size(); r++) {
                WhitelistRule rule = whitelist.rules().get(r);
                rules.add(new WhitelistSnapshot.RuleHits(rule.id(), ruleHits[w][r][0]));
            }
            snapshot.put(whitelist.id(), new WhitelistSnapshot(whitelist.id(), rules, tallies[w].drops));
        }
        return snapshot;
    }
}
