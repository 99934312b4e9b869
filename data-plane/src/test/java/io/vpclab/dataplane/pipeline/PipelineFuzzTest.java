package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.TrafficSnapshot;

/**
 * The whole pipeline over arbitrary bytes, as a VXLAN datagram from a known VTEP and as a frame
 * from a port: it never throws, never leaks (every buffer is released by someone), and either
 * forwards (an output counter moves) or counts a drop. One pipeline serves every input, so the
 * checks compare counters before and after.
 */
class PipelineFuzzTest {

    private static final PipelineFixture FIXTURE = new PipelineFixture();

    @FuzzTest(maxDuration = "10s")
    void datagramsFromAKnownVtepAreForwardedOrCountedAsDrops(byte[] data) {
        ByteBuf payload =
                ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, data.length)).writeBytes(data);
        CountersSnapshot before = FIXTURE.pipeline.counters();

        FIXTURE.pipeline.fromUnderlay(payload, PipelineFixture.REMOTE);

        CountersSnapshot after = FIXTURE.pipeline.counters();
        assertThat(after.host().packetsIn() - before.host().packetsIn()).isEqualTo(1);
        long delivered = portsOut(after) - portsOut(before);
        long dropped = after.host().totalDrops() - before.host().totalDrops();
        assertThat(delivered + dropped).isPositive();
        FIXTURE.assertEverythingReleased();
        assertThat(payload.refCnt()).isZero();
    }

    @FuzzTest(maxDuration = "10s")
    void framesFromAPortAreForwardedOrCountedAsDrops(byte[] data) {
        ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(FrameDevice.HEADROOM + data.length);
        frame.writerIndex(FrameDevice.HEADROOM).readerIndex(FrameDevice.HEADROOM);
        frame.writeBytes(data);
        // Half the inputs get the port's own source MAC so that fuzzing reaches past anti-spoofing.
        if (data.length >= 12 && (data[0] & 1) == 0) {
            Ethernet.setSource(frame, frame.readerIndex(), PipelineFixture.LOCAL_MAC.bits());
        }
        CountersSnapshot before = FIXTURE.pipeline.counters();

        FIXTURE.pipeline.fromPort(FIXTURE.attachment, frame);

        CountersSnapshot after = FIXTURE.pipeline.counters();
        assertThat(after.port("p1").packetsIn() - before.port("p1").packetsIn()).isEqualTo(1);
        long forwarded = activity(after) - activity(before);
        long dropped = after.host().totalDrops() - before.host().totalDrops();
        assertThat(forwarded + dropped).isPositive();
        FIXTURE.assertEverythingReleased();
        assertThat(frame.refCnt()).isZero();
    }

    private static long portsOut(CountersSnapshot counters) {
        return counters.ports().values().stream()
                .mapToLong(TrafficSnapshot::packetsOut)
                .sum();
    }

    private static long activity(CountersSnapshot counters) {
        return counters.host().packetsOut()
                + counters.host().arpRepliesSuppressed()
                + counters.host().floods()
                + portsOut(counters);
    }
}
