package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.stats.FlowCount;
import io.vpclab.dataplane.stats.FlowCounts;
import io.vpclab.net.Ipv4Address;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-flow counters flow logs read: counted on the tracked entry, drained per port, bounded. */
class FlowCountingTest {

    static final long IDLE = 1_000;
    static final int VNI = 0x800001;
    static final int LOCAL = Ipv4Address.parseBits("10.0.1.5");
    static final int PEER = Ipv4Address.parseBits("10.0.2.9");

    final AtomicLong now = new AtomicLong(5_000);
    final SharedFlowState shared = new SharedFlowState(now::get, 16);
    final long address = ConnectionTable.addresses(LOCAL, PEER);
    final long flow = ((long) VNI << 40) | ConnectionTable.flow(IpProtocol.TCP_VALUE, 443, 40_000);

    @Test
    void eachDirectionOfATrackedFlowIsCountedAndADrainRestartsTheCounts() {
        ConnectionTable flows = shared.securityGroupFlows;
        int slot = flows.track(address, flow, true, 60, 1);
        now.addAndGet(10);
        assertThat(flows.established(address, flow, false, 1500, 1)).isEqualTo(slot);
        now.addAndGet(10);
        flows.established(address, flow, true, 52, 1);
        flows.established(address, flow, false, 9000, 6); // a burst of six frames

        FlowCounts drained = shared.drainFlowCounts(key -> true);

        assertThat(drained.lostFlows()).isZero();
        assertThat(drained.flows())
                .containsExactlyInAnyOrder(
                        new FlowCount(
                                VNI,
                                new Ipv4Address(LOCAL),
                                new Ipv4Address(PEER),
                                6,
                                40_000,
                                443,
                                true,
                                true,
                                2,
                                112,
                                5_000,
                                5_020),
                        new FlowCount(
                                VNI,
                                new Ipv4Address(LOCAL),
                                new Ipv4Address(PEER),
                                6,
                                40_000,
                                443,
                                false,
                                true,
                                7,
                                10_500,
                                5_000,
                                5_020));
        assertThat(shared.drainFlowCounts(key -> true).flows()).isEmpty();
        assertThat(flows.established(address, flow, true, 0, 0)).isEqualTo(slot); // the entry itself stays
    }

    @Test
    void aDrainTakesOnlyTheDuePortsAndLeavesTheOthersCounting() {
        shared.securityGroupFlows.track(address, flow, true, 100, 1);
        long other = ConnectionTable.addresses(LOCAL + 1, PEER);
        shared.securityGroupFlows.track(other, flow, true, 100, 1);
        long dueKey = FlowCount.localKey(VNI, new Ipv4Address(LOCAL));

        assertThat(shared.drainFlowCounts(key -> key == dueKey).flows())
                .singleElement()
                .extracting(FlowCount::localIp)
                .isEqualTo(new Ipv4Address(LOCAL));
        assertThat(shared.drainFlowCounts(key -> true).flows())
                .singleElement()
                .extracting(FlowCount::localIp)
                .isEqualTo(new Ipv4Address(LOCAL + 1));
    }

    @Test
    void anUncountedPacketIsTakenBack() {
        ConnectionTable flows = shared.securityGroupFlows;
        flows.track(address, flow, true, 100, 1);
        int slot = flows.established(address, flow, true, 100, 1);
        flows.uncount(slot, true, 100, 1);

        assertThat(shared.drainFlowCounts(key -> true).flows()).singleElement().satisfies(count -> {
            assertThat(count.packets()).isEqualTo(1);
            assertThat(count.bytes()).isEqualTo(100);
        });
    }

    @Test
    void icmpFlowsShowNoPortsAndRefusedFlowsAreRejects() {
        long ping = ((long) VNI << 40) | ConnectionTable.flow(IpProtocol.ICMP_VALUE, 77, 77);
        shared.rejectedFlows.track(address, ping, false, 84, 1);
        shared.rejectedFlows.track(address, ping, false, 84, 1);

        assertThat(shared.drainFlowCounts(key -> true).flows())
                .containsExactly(new FlowCount(
                        VNI,
                        new Ipv4Address(LOCAL),
                        new Ipv4Address(PEER),
                        1,
                        0,
                        0,
                        false,
                        false,
                        2,
                        168,
                        5_000,
                        5_000));
    }

    @Test
    void refusedFlowsBeyondTheBoundAreCountedAsLostNotKept() {
        int offered = SharedFlowState.REJECTED_FLOW_CAPACITY * 2;
        int kept = 0;
        for (int i = 0; i < offered; i++) {
            long key = ConnectionTable.addresses(LOCAL, PEER + i);
            if (shared.rejectedFlows.track(key, flow, false, 40, 1) != ConnectionTable.MISS) {
                kept++;
            }
        }

        FlowCounts drained = shared.drainFlowCounts(key -> true);

        assertThat(drained.flows()).hasSize(kept).hasSizeLessThanOrEqualTo(SharedFlowState.REJECTED_FLOW_CAPACITY);
        assertThat(drained.flows().size() + drained.lostFlows()).isEqualTo(offered);
        assertThat(shared.drainFlowCounts(key -> true).lostFlows()).isZero();
    }

    @Test
    void aSlotReusedWhileItHeldUndrainedCountsIsCountedAsLost() {
        ConnectionTable small = new ConnectionTable(16, IDLE, now::get, true);
        for (int i = 0; i < 16; i++) {
            small.track(ConnectionTable.addresses(LOCAL, PEER + i), flow, true, 1, 1);
        }
        now.addAndGet(IDLE); // all idle: their slots may be reused, their counts not yet drained
        small.track(ConnectionTable.addresses(LOCAL, PEER + 100), flow, true, 1, 1);

        long[] drained = new long[1];
        long lost = small.drain(key -> true, (a, f, po, bo, pi, bi, first, last) -> drained[0]++);

        assertThat(lost).isEqualTo(1);
        assertThat(drained[0]).isEqualTo(16);
    }
}
