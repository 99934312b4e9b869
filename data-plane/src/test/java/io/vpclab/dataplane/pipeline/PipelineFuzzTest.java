package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.TrafficSnapshot;

/**
 * The whole pipeline over arbitrary bytes, as a VXLAN datagram from a known VTEP and as a frame
 * from a port: it never throws, never leaks (every buffer is released by someone), and either
 * forwards (an output counter moves) or counts a drop.
 */
class PipelineFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void datagramsFromAKnownVtepAreForwardedOrCountedAsDrops(byte[] data) {
        PipelineFixture fixture = new PipelineFixture();
        ByteBuf payload = ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, data.length)).writeBytes(data);

        fixture.pipeline.fromUnderlay(payload, PipelineFixture.REMOTE);

        CountersSnapshot counters = fixture.pipeline.counters();
        assertThat(counters.host().packetsIn()).isEqualTo(1);
        long delivered = counters.ports().values().stream().mapToLong(TrafficSnapshot::packetsOut).sum();
        assertThat(delivered + counters.host().totalDrops()).isPositive();
        fixture.assertEverythingReleased();
        assertThat(payload.refCnt()).isZero();
    }

    @FuzzTest(maxDuration = "10s")
    void framesFromAPortAreForwardedOrCountedAsDrops(byte[] data) {
        PipelineFixture fixture = new PipelineFixture();
        ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(FrameDevice.HEADROOM + data.length);
        frame.writerIndex(FrameDevice.HEADROOM).readerIndex(FrameDevice.HEADROOM);
        frame.writeBytes(data);
        // Half the inputs get the port's own source MAC so that fuzzing reaches past anti-spoofing.
        if (data.length >= 12 && (data[0] & 1) == 0) {
            io.vpclab.dataplane.packet.Ethernet.setSource(frame, frame.readerIndex(), PipelineFixture.LOCAL_MAC.bits());
        }

        fixture.pipeline.fromPort(fixture.attachment, frame);

        CountersSnapshot counters = fixture.pipeline.counters();
        assertThat(counters.port("p1").packetsIn()).isEqualTo(1);
        long forwarded = counters.host().packetsOut() + counters.host().arpRepliesSuppressed() + counters.host().floods()
            + counters.ports().values().stream().mapToLong(TrafficSnapshot::packetsOut).sum();
        assertThat(forwarded + counters.host().totalDrops()).isPositive();
        fixture.assertEverythingReleased();
        assertThat(frame.refCnt()).isZero();
    }
}
