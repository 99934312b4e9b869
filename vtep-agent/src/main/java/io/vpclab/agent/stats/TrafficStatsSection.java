package io.vpclab.agent.stats;

import io.vpclab.client.model.HostStatsReport;
import io.vpclab.client.model.PortStats;
import io.vpclab.client.model.SegmentStats;
import io.vpclab.client.model.TrafficStats;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.TrafficSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The host's, each port's and each segment's traffic counters, from one VTEP snapshot. */
public final class TrafficStatsSection implements StatsSection {

    private final Supplier<CountersSnapshot> counters;

    /** @param counters a snapshot taken on the VTEP's loop, e.g. {@code vtep::counters} */
    public TrafficStatsSection(Supplier<CountersSnapshot> counters) {
        this.counters = counters;
    }

    @Override
    public void contribute(HostStatsReport report) {
        CountersSnapshot snapshot = counters.get();
        TrafficSnapshot host = snapshot.host();
        report.host(new TrafficStats()
                .packetsIn(host.packetsIn())
                .packetsOut(host.packetsOut())
                .bytesIn(host.bytesIn())
                .bytesOut(host.bytesOut())
                .floods(host.floods())
                .arpSuppressed(host.arpRepliesSuppressed())
                .floodCopies(host.floodCopies())
                .broadcastsReceived(host.broadcastsReceived())
                .drops(host.totalDrops())
                .dropsByReason(byName(host)));
        snapshot.ports().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            TrafficSnapshot s = e.getValue();
            report.addPortsItem(new PortStats()
                    .portId(e.getKey())
                    .packetsIn(s.packetsIn())
                    .packetsOut(s.packetsOut())
                    .bytesIn(s.bytesIn())
                    .bytesOut(s.bytesOut())
                    .floods(s.floods())
                    .arpSuppressed(s.arpRepliesSuppressed())
                    .floodCopies(s.floodCopies())
                    .broadcastsReceived(s.broadcastsReceived())
                    .drops(s.totalDrops())
                    .dropsByReason(byName(s)));
        });
        snapshot.segments().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> {
                    TrafficSnapshot s = e.getValue();
                    report.addSegmentsItem(new SegmentStats()
                            .vni(e.getKey())
                            .packetsIn(s.packetsIn())
                            .packetsOut(s.packetsOut())
                            .bytesIn(s.bytesIn())
                            .bytesOut(s.bytesOut())
                            .floods(s.floods())
                            .arpSuppressed(s.arpRepliesSuppressed())
                            .floodCopies(s.floodCopies())
                            .broadcastsReceived(s.broadcastsReceived())
                            .drops(s.totalDrops())
                            .dropsByReason(byName(s)));
                });
    }

    private static Map<String, Long> byName(TrafficSnapshot snapshot) {
        Map<String, Long> byName = new LinkedHashMap<>();
        for (Map.Entry<DropReason, Long> drop : snapshot.drops().entrySet()) {
            byName.put(drop.getKey().name(), drop.getValue());
        }
        return byName;
    }
}
