package io.vpclab.controlplane.subnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SegmentSearchTest {

    @Test
    void takesTheCursorWhenFree() {
        assertThat(SegmentSearch.nextFree(7, 4094, id -> false)).isEqualTo(7);
        assertThat(SegmentSearch.after(7, 4094)).isEqualTo(8);
    }

    @Test
    void skipsHeldIdsAndWrapsAtTheTop() {
        BitSet held = new BitSet();
        held.set(4093, 4095); // 4093 and 4094 held
        held.set(1);
        assertThat(SegmentSearch.nextFree(4093, 4094, held::get)).isEqualTo(2);
        assertThat(SegmentSearch.after(4094, 4094)).isEqualTo(1);
        assertThat(SegmentSearch.after(16_777_215, 16_777_215)).isEqualTo(1);
    }

    @Test
    void aCursorOutsideTheRangeRestartsAtOne() {
        assertThat(SegmentSearch.nextFree(0, 10, id -> false)).isEqualTo(1);
        assertThat(SegmentSearch.nextFree(11, 10, id -> false)).isEqualTo(1);
    }

    @Test
    void aFullPoolIsReportedAfterExactlyOneLap() {
        AtomicInteger probes = new AtomicInteger();
        assertThatThrownBy(() -> SegmentSearch.nextFree(5, 4094, id -> {
                    probes.incrementAndGet();
                    return true;
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(probes).hasValue(4094);
    }

    @Test
    void vniSpaceNeedsNoMemoryPerId() {
        // The 24-bit space is searched by probing, so only the held IDs' predicate is consulted.
        AtomicInteger probes = new AtomicInteger();
        int id = SegmentSearch.nextFree(0x800000, 0xFFFFFF, candidate -> {
            probes.incrementAndGet();
            return candidate < 0x800003;
        });
        assertThat(id).isEqualTo(0x800003);
        assertThat(probes).hasValue(4);
    }
}
