package io.vpclab.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.underlay.DatagramSink;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import io.vpclab.dataplane.underlay.Underlay;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** An underlay counting its multi-datagram (GSO) sends and its flushes, for the burst tests. */
record CountingGsoSends(InMemoryUnderlay delegate, AtomicInteger gsoSends, AtomicInteger flushes, boolean gso)
        implements Underlay {

    /** Counting GSO sends only; like the default underlay, it says it sends segment by segment. */
    CountingGsoSends(InMemoryUnderlay delegate, AtomicInteger gsoSends) {
        this(delegate, gsoSends, new AtomicInteger(), false);
    }

    @Override
    public boolean sendsSegmentsAtOnce() {
        return gso;
    }

    @Override
    public EventLoop loop() {
        return delegate.loop();
    }

    @Override
    public InetSocketAddress localAddress() {
        return delegate.localAddress();
    }

    @Override
    public void start(DatagramSink sink) {
        delegate.start(sink);
    }

    @Override
    public void send(ByteBuf payload, InetSocketAddress destination) {
        delegate.send(payload, destination);
    }

    @Override
    public void send(ByteBuf payload, InetSocketAddress destination, int sourcePort) {
        delegate.send(payload, destination, sourcePort);
    }

    @Override
    public void sendSegments(ByteBuf payload, int segmentSize, InetSocketAddress destination, int sourcePort) {
        if (payload.readableBytes() > segmentSize) {
            gsoSends.incrementAndGet();
        }
        delegate.sendSegments(payload, segmentSize, destination, sourcePort);
    }

    @Override
    public boolean onReadComplete(Runnable action) {
        return delegate.onReadComplete(action);
    }

    @Override
    public void flush() {
        flushes.incrementAndGet();
        delegate.flush();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
