package io.vpclab.controlplane.hoststats;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.api.model.HostStatsReport;
import io.vpclab.api.model.TrafficStats;
import io.vpclab.controlplane.host.HostChanged;
import io.vpclab.controlplane.system.ChangeKind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HostStatsStoreTest {

    static final OffsetDateTime T0 = OffsetDateTime.of(2026, 11, 24, 12, 0, 0, 0, ZoneOffset.UTC);

    static HostStatsReport report(OffsetDateTime takenAt, long packetsIn) {
        return new HostStatsReport()
                .takenAt(takenAt)
                .host(new TrafficStats()
                        .packetsIn(packetsIn)
                        .packetsOut(0L)
                        .bytesIn(0L)
                        .bytesOut(0L)
                        .floods(0L)
                        .arpSuppressed(0L)
                        .drops(0L));
    }

    @Test
    void keepsTheLatestAndThePreviousReportAndIgnoresOlderOnes() {
        HostStatsStore store = new HostStatsStore();

        assertThat(store.accept("h1", report(T0, 1), Instant.EPOCH)).isTrue();
        assertThat(store.previous("h1")).isEmpty();
        assertThat(store.accept("h1", report(T0.plusSeconds(1), 5), Instant.EPOCH.plusSeconds(1)))
                .isTrue();
        assertThat(store.accept("h1", report(T0.plusSeconds(1), 9), Instant.EPOCH.plusSeconds(2)))
                .as("same time")
                .isFalse();
        assertThat(store.accept("h1", report(T0, 7), Instant.EPOCH.plusSeconds(3)))
                .as("older")
                .isFalse();

        assertThat(store.latest("h1").orElseThrow().report().getHost().getPacketsIn())
                .isEqualTo(5);
        assertThat(store.latest("h1").orElseThrow().receivedAt()).isEqualTo(Instant.EPOCH.plusSeconds(1));
        assertThat(store.previous("h1").orElseThrow().report().getHost().getPacketsIn())
                .isEqualTo(1);
        assertThat(store.latestOfAllHosts()).containsOnlyKeys("h1");
    }

    @Test
    void aDeletedHostsReportsGoWithIt() {
        HostStatsStore store = new HostStatsStore();
        store.accept("h1", report(T0, 1), Instant.EPOCH);
        store.accept("h2", report(T0, 2), Instant.EPOCH);

        store.on(new HostChanged("h1", ChangeKind.UPDATED));
        assertThat(store.latest("h1")).isPresent();
        store.on(new HostChanged("h1", ChangeKind.DELETED));

        assertThat(store.latest("h1")).isEmpty();
        assertThat(store.previous("h1")).isEmpty();
        assertThat(store.latestOfAllHosts()).containsOnlyKeys("h2");
    }
}
