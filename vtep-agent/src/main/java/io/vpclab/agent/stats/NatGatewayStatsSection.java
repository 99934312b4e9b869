package io.vpclab.agent.stats;

import io.vpclab.client.model.HostStatsReport;
import io.vpclab.client.model.NatGatewayStats;
import io.vpclab.client.model.NatSession;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.stats.NatSessionSnapshot;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** Each NAT gateway served here: its figures and its newest sessions (at most {@link #LISTED_SESSIONS}). */
public final class NatGatewayStatsSection implements StatsSection {

    /** The stats contract's cap on listed sessions per gateway. */
    public static final int LISTED_SESSIONS = 1000;

    private final IntFunction<List<NatGatewaySnapshot>> gateways;

    /** @param gateways snapshots taken on the VTEP's loop, e.g. {@code vtep::natGateways} */
    public NatGatewayStatsSection(IntFunction<List<NatGatewaySnapshot>> gateways) {
        this.gateways = gateways;
    }

    @Override
    public void contribute(HostStatsReport report) {
        gateways.apply(LISTED_SESSIONS).stream()
                .sorted(Comparator.comparing(NatGatewaySnapshot::natGatewayId))
                .forEach(g -> report.addNatGatewaysItem(stats(g)));
    }

    static NatGatewayStats stats(NatGatewaySnapshot g) {
        Map<String, Long> drops = new LinkedHashMap<>();
        for (Map.Entry<DropReason, Long> drop : g.drops().entrySet()) {
            drops.put(drop.getKey().name(), drop.getValue());
        }
        return new NatGatewayStats()
                .natGatewayId(g.natGatewayId())
                .activeSessions(g.activeSessions())
                .sessionsCreated(g.sessionsCreated())
                .packetsOut(g.packetsOut())
                .bytesOut(g.bytesOut())
                .packetsIn(g.packetsIn())
                .bytesIn(g.bytesIn())
                .portAllocationErrors(g.portAllocationErrors())
                .dropsByReason(drops)
                .sessions(g.sessions().stream()
                        .map(NatGatewayStatsSection::session)
                        .toList());
    }

    private static NatSession session(NatSessionSnapshot s) {
        return new NatSession()
                .protocol(NatSession.ProtocolEnum.fromValue(s.protocol()))
                .privateIp(s.privateIp().toString())
                .privatePort(s.privatePort())
                .publicIp(s.publicIp().toString())
                .publicPort(s.publicPort())
                .remoteIp(s.remoteIp().toString())
                .remotePort(s.remotePort())
                .state(s.state())
                .idleSeconds(s.idleSeconds())
                .timeoutSeconds(s.timeoutSeconds())
                .packetsOut(s.packetsOut())
                .packetsIn(s.packetsIn())
                .bytesOut(s.bytesOut())
                .bytesIn(s.bytesIn());
    }
}
