package io.vpclab.dataplane.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated host's stack over arbitrary frames addressed to it: it never throws, and every
 * frame it answers with is well formed enough to carry its own source MAC.
 */
class SimulatedHostFuzzTest {

    static final EventLoop LOOP = new DefaultEventLoop();
    static final MacAddress MAC = MacAddress.parse("02:00:0a:00:00:05");

    @FuzzTest(maxDuration = "10s")
    void framesNeverBreakTheStack(byte[] data) {
        SimulatedHost host = new SimulatedHost(
                        "fuzz", MAC, Ipv4Address.parse("10.0.0.5"), 24, Ipv4Address.parse("10.0.0.1"), 1500)
                .openTcpPort(22)
                .udpEcho(7);
        List<ByteBuf> answers = new ArrayList<>();
        host.start(LOOP, answers::add);
        ByteBuf frame = ByteBufAllocator.DEFAULT.heapBuffer(FrameDevice.HEADROOM + data.length);
        frame.writerIndex(FrameDevice.HEADROOM)
                .readerIndex(FrameDevice.HEADROOM)
                .writeBytes(data);
        // Most inputs are addressed to the host so the fuzzer reaches ARP, IPv4 and above.
        if (data.length >= 6 && (data[0] & 3) != 3) {
            Ethernet.setDestination(frame, frame.readerIndex(), MAC.bits());
        }
        try {
            host.receive(frame);
        } finally {
            frame.release();
        }
        for (ByteBuf answer : answers) {
            assertThat(answer.readableBytes()).isGreaterThanOrEqualTo(Ethernet.HEADER_LENGTH);
            assertThat(Ethernet.source(answer, answer.readerIndex())).isEqualTo(MAC.bits());
            answer.release();
        }
        host.close();
    }
}
