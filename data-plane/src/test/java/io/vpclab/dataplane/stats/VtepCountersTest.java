package io.vpclab.dataplane.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VtepCountersTest {

    @Test
    void snapshotsAreImmutableCopiesThatLaterCountsDoNotChange() {
        VtepCounters counters = new VtepCounters();
        counters.port("p1").in(100);
        counters.port("p1").drop(DropReason.SPOOFED_SOURCE);
        counters.segment(0xFFFFFF).out(60);
        counters.segment(0xFFFFFF).flood();
        counters.host().arpReplySuppressed();

        CountersSnapshot before = counters.snapshot();
        counters.port("p1").in(100);

        assertThat(before.port("p1").packetsIn()).isEqualTo(1);
        assertThat(before.port("p1").bytesIn()).isEqualTo(100);
        assertThat(before.port("p1").dropped(DropReason.SPOOFED_SOURCE)).isEqualTo(1);
        assertThat(before.port("p1").dropped(DropReason.OVERSIZE)).isZero();
        assertThat(before.port("p1").totalDrops()).isEqualTo(1);
        assertThat(before.segment(0xFFFFFF).floods()).isEqualTo(1);
        assertThat(before.segment(0xFFFFFF).bytesOut()).isEqualTo(60);
        assertThat(before.host().arpRepliesSuppressed()).isEqualTo(1);
        assertThat(before.port("never")).isEqualTo(TrafficSnapshot.ZERO);
        assertThat(counters.snapshot().port("p1").packetsIn()).isEqualTo(2);
        assertThatThrownBy(() -> before.port("p1").drops().put(DropReason.OVERSIZE, 1L))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void elasticIpCountersSumOverLoopsAndPrintALineEach() {
        VtepCounters loop0 = new VtepCounters();
        VtepCounters loop1 = new VtepCounters();
        loop0.elasticIp("203.0.113.10").in(98);
        loop1.elasticIp("203.0.113.10").out(3, 294);
        loop1.elasticIp("203.0.113.10").drop(DropReason.EIP_INGRESS_DENIED);

        CountersSnapshot total = loop0.snapshot().plus(loop1.snapshot());

        TrafficSnapshot eip = total.elasticIp("203.0.113.10");
        assertThat(eip.packetsIn()).isEqualTo(1);
        assertThat(eip.bytesIn()).isEqualTo(98);
        assertThat(eip.packetsOut()).isEqualTo(3);
        assertThat(eip.bytesOut()).isEqualTo(294);
        assertThat(eip.dropped(DropReason.EIP_INGRESS_DENIED)).isEqualTo(1);
        assertThat(total.elasticIp("203.0.113.99")).isEqualTo(TrafficSnapshot.ZERO);
        assertThat(total.format()).contains("elastic-ip 203.0.113.10 in 1 pkts 98 B, out 3 pkts 294 B");
    }

    @Test
    void formatsOneLinePerHostSegmentAndPort() {
        VtepCounters counters = new VtepCounters();
        counters.port("p1").drop(DropReason.UNKNOWN_DESTINATION);
        counters.segment(100).in(42);

        String text = counters.snapshot().format();

        assertThat(text.lines()).hasSize(3);
        assertThat(text).contains("vni 100 in 1 pkts 42 B").contains("port p1").contains("UNKNOWN_DESTINATION=1");
    }
}
