package io.vpclab.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.underlay.DatagramSink;
import io.vpclab.dataplane.underlay.Underlay;
import java.net.InetSocketAddress;

/**
 * An underlay with no socket that takes GSO sends whole (as the epoll underlay hands them to one
 * {@code sendmsg} with UDP_SEGMENT), counts them and releases them: no I/O, and none of the
 * default {@link Underlay#sendSegments} slicing, so a benchmark measures the pipeline alone. One
 * send can be kept for inspection ({@link #keepNextSend}), for a benchmark's setup check.
 */
final class GsoCountingUnderlay implements Underlay {

    private final InetSocketAddress localAddress;
    private long sends;
    private long datagrams;
    private boolean keepNext;
    private ByteBuf kept;
    private int keptSegmentSize;

    GsoCountingUnderlay(InetSocketAddress localAddress) {
        this.localAddress = localAddress;
    }

    /** UDP sends so far (a GSO send counts once). */
    long sends() {
        return sends;
    }

    /** Datagrams those sends put on the wire. */
    long datagrams() {
        return datagrams;
    }

    /** Keeps the payload of the next send instead of releasing it; {@link #takeKept} hands it over. */
    void keepNextSend() {
        keepNext = true;
    }

    /** The kept payload (the caller releases it), or null when nothing was sent since {@link #keepNextSend}. */
    ByteBuf takeKept() {
        ByteBuf taken = kept;
        kept = null;
        return taken;
    }

    /** Segment size of the kept GSO send (its whole length for a single datagram). */
    int keptSegmentSize() {
        return keptSegmentSize;
    }

    @Override
    public EventLoop loop() {
        return null; // the benchmark drives the pipeline on its own thread
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public void start(DatagramSink sink) {}

    @Override
    public void send(ByteBuf payload, InetSocketAddress destination) {
        sendSegments(payload, Math.max(1, payload.readableBytes()), destination, 0);
    }

    @Override
    public void sendSegments(ByteBuf payload, int segmentSize, InetSocketAddress destination, int sourcePort) {
        sends++;
        datagrams += (payload.readableBytes() + segmentSize - 1) / segmentSize;
        if (keepNext) {
            keepNext = false;
            kept = payload;
            keptSegmentSize = segmentSize;
        } else {
            payload.release();
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
