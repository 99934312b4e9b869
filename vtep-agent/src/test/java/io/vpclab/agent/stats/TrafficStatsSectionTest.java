package io.vpclab.agent.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.HostStatsReport;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.VtepCounters;
import org.junit.jupiter.api.Test;

class TrafficStatsSectionTest {

    /** The control plane and the UI list reasons by name: oversize and VTEP spoofing drops must reach them. */
    @Test
    void everyDropReasonIsReportedByNameWhereItWasCounted() {
        VtepCounters counters = new VtepCounters();
        counters.host().drop(DropReason.OVERSIZE);
        counters.host().drop(DropReason.VTEP_SPOOFED_SOURCE);
        counters.host().drop(DropReason.VTEP_SPOOFED_SOURCE);
        counters.segment(100).drop(DropReason.VTEP_SPOOFED_SOURCE);
        counters.port("i-1").drop(DropReason.OVERSIZE);
        HostStatsReport report = new HostStatsReport();

        new TrafficStatsSection(counters::snapshot).contribute(report);

        assertThat(report.getHost().getDropsByReason())
                .containsEntry("OVERSIZE", 1L)
                .containsEntry("VTEP_SPOOFED_SOURCE", 2L);
        assertThat(report.getHost().getDrops()).isEqualTo(3);
        assertThat(report.getSegments().get(0).getDropsByReason()).containsEntry("VTEP_SPOOFED_SOURCE", 1L);
        assertThat(report.getPorts().get(0).getDropsByReason()).containsEntry("OVERSIZE", 1L);
    }
}
