package io.vpclab.dataplane.underlay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An underlay that never receives and hands every datagram the pipeline sends to one consumer,
 * which owns it from then on. For driving a {@link io.vpclab.dataplane.pipeline.Pipeline}
 * directly (benchmarks, fuzz tests): the caller feeds {@code fromUnderlay}/{@code fromPort}
 * itself, on its own thread, so there is no event loop.
 */
public final class SendOnlyUnderlay implements Underlay {

    private final InetSocketAddress localAddress;
    private final Consumer<ByteBuf> sent;

    public SendOnlyUnderlay(InetSocketAddress localAddress, Consumer<ByteBuf> sent) {
        this.localAddress = Objects.requireNonNull(localAddress, "localAddress");
        this.sent = Objects.requireNonNull(sent, "sent");
    }

    /** Releases every datagram sent: for callers that only look at counters. */
    public static SendOnlyUnderlay discarding(InetSocketAddress localAddress) {
        return new SendOnlyUnderlay(localAddress, ByteBuf::release);
    }

    @Override
    public EventLoop loop() {
        return null;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public void start(DatagramSink sink) {
        // nothing arrives: the caller injects datagrams into the pipeline itself
    }

    @Override
    public void send(ByteBuf payload, InetSocketAddress destination) {
        sent.accept(payload);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
