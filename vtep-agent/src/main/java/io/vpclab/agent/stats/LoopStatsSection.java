package io.vpclab.agent.stats;

import io.vpclab.client.model.HostStatsReport;
import io.vpclab.client.model.LoopStats;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.TrafficSnapshot;
import java.util.List;
import java.util.function.Supplier;

/**
 * Each event loop's share: underlay datagrams and port frames in and out, so the control plane
 * shows how the loops split the work (the agent's {@code loop/N} counter groups, in the report).
 */
public final class LoopStatsSection implements StatsSection {

    private final Supplier<List<CountersSnapshot>> perLoop;

    /** @param perLoop each loop's counters in loop order, e.g. {@code vtep::countersPerLoop} */
    public LoopStatsSection(Supplier<List<CountersSnapshot>> perLoop) {
        this.perLoop = perLoop;
    }

    @Override
    public void contribute(HostStatsReport report) {
        List<CountersSnapshot> loops = perLoop.get();
        for (int i = 0; i < loops.size(); i++) {
            CountersSnapshot loop = loops.get(i);
            report.addLoopsItem(new LoopStats()
                    .loop(i)
                    .underlayIn(loop.host().packetsIn())
                    .underlayOut(loop.host().packetsOut())
                    .portFramesIn(loop.ports().values().stream()
                            .mapToLong(TrafficSnapshot::packetsIn)
                            .sum())
                    .portFramesOut(loop.ports().values().stream()
                            .mapToLong(TrafficSnapshot::packetsOut)
                            .sum()));
        }
    }
}
