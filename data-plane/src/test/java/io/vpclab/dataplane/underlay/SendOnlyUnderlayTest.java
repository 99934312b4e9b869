package io.vpclab.dataplane.underlay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendOnlyUnderlayTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4789);

    @Test
    void everyDatagramGoesToTheConsumerWhichOwnsItAndSegmentsArriveOneByOne() {
        List<ByteBuf> sent = new ArrayList<>();
        SendOnlyUnderlay underlay = new SendOnlyUnderlay(LOCAL, sent::add);

        underlay.send(Unpooled.wrappedBuffer(new byte[3]), LOCAL);
        underlay.sendSegments(Unpooled.wrappedBuffer(new byte[10]), 4, LOCAL, 50_000);

        assertThat(sent).extracting(ByteBuf::readableBytes).containsExactly(3, 4, 4, 2);
        sent.forEach(ByteBuf::release);
        assertThat(sent).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
        assertThat(underlay.loop()).as("the caller drives the pipeline itself").isNull();
        assertThat(underlay.localAddress()).isEqualTo(LOCAL);
    }

    @Test
    void theDiscardingUnderlayReleasesWhatItIsSent() {
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[3]);

        SendOnlyUnderlay.discarding(LOCAL).send(payload, LOCAL);

        assertThat(payload.refCnt()).isZero();
    }
}
