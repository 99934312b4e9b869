package io.vpclab.dataplane.underlay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * The VTEP's UDP socket toward other VTEPs: Netty epoll (NIO off Linux) in production, an
 * in-memory twin in tests. The whole data plane of one VTEP runs on {@link #loop()}.
 */
public interface Underlay extends AutoCloseable {

    /** The event loop that owns the socket; ports and pipeline run on it too. */
    EventLoop loop();

    /** The bound local address (the VTEP's underlay IP and UDP port). */
    InetSocketAddress localAddress();

    /** Starts delivering received datagrams to {@code sink} on {@link #loop()}. */
    void start(DatagramSink sink);

    /**
     * Queues one UDP payload (VXLAN header + inner frame) for {@code destination}. Call on
     * {@link #loop()}; takes ownership of {@code payload}. Nothing leaves before {@link #flush()}.
     */
    void send(ByteBuf payload, InetSocketAddress destination);

    /**
     * Like {@link #send(ByteBuf, InetSocketAddress)}, with the UDP source port the VTEP chose
     * from a hash of the inner flow (49152..65535, RFC 7348 s5). An underlay that can choose the
     * source port per datagram uses it; one bound socket sends from its bound port instead, which
     * receivers (the Linux kernel included) accept.
     */
    default void send(ByteBuf payload, InetSocketAddress destination, int sourcePort) {
        send(payload, destination);
    }

    /**
     * Queues {@code payload}: consecutive datagrams of {@code segmentSize} bytes (the last may be
     * shorter) for {@code destination}, as one UDP GSO send where the underlay has it. Takes
     * ownership. This default sends each segment as its own datagram (slices, no copy).
     */
    default void sendSegments(ByteBuf payload, int segmentSize, InetSocketAddress destination, int sourcePort) {
        if (segmentSize <= 0) {
            payload.release();
            throw new IllegalArgumentException("segmentSize must be positive, got " + segmentSize);
        }
        try {
            for (int at = payload.readerIndex(), end = payload.writerIndex(); at < end; at += segmentSize) {
                send(payload.retainedSlice(at, Math.min(segmentSize, end - at)), destination, sourcePort);
            }
        } finally {
            payload.release();
        }
    }

    /**
     * True when {@link #sendSegments} leaves in one send (UDP GSO), so gathering equal datagrams
     * into runs pays; the default sends each segment on its own.
     */
    default boolean sendsSegmentsAtOnce() {
        return false;
    }

    /**
     * Asks for {@code action} on the loop after each burst of received datagrams, so a receiver
     * can coalesce per burst. Returns false when this underlay does not tell bursts apart; the
     * caller then treats every datagram as its own burst. Call before {@link #start}.
     */
    default boolean onReadComplete(Runnable action) {
        return false;
    }

    /** Sends everything queued by {@link #send} (one batch, so GSO and sendmmsg can apply later). */
    void flush();

    /** Closes the socket. Idempotent. */
    @Override
    void close();
}
