package io.vpclab.agent.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.HostStatsReport;
import io.vpclab.client.model.LoopStats;
import io.vpclab.dataplane.stats.VtepCounters;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopStatsSectionTest {

    @Test
    void eachLoopReportsItsOwnShareInLoopOrder() {
        VtepCounters first = new VtepCounters();
        first.host().in(3, 300);
        first.port("i-1").in(5, 500);
        first.port("i-2").out(7, 700);
        VtepCounters second = new VtepCounters();
        second.host().out(11, 1100);
        second.port("i-1").out(13, 1300);
        HostStatsReport report = new HostStatsReport();

        new LoopStatsSection(() -> List.of(first.snapshot(), second.snapshot())).contribute(report);

        assertThat(report.getLoops())
                .extracting(
                        LoopStats::getLoop,
                        LoopStats::getUnderlayIn,
                        LoopStats::getUnderlayOut,
                        LoopStats::getPortFramesIn,
                        LoopStats::getPortFramesOut)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, 3L, 0L, 5L, 7L),
                        org.assertj.core.groups.Tuple.tuple(1, 0L, 11L, 0L, 13L));
    }
}
