package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.underlay.Underlay;
import java.net.InetSocketAddress;

/**
 * Consecutive VXLAN datagrams of one flow and one length toward one VTEP (a stream of small UDP
 * packets, TCP ACKs) leave in one UDP GSO send, one trip through the kernel's stack for up to 64
 * datagrams instead of one each. The first datagram of a run is held as it is; a second of the
 * same run copies both into one buffer. Anything else ends the run, so the order of datagrams is
 * kept. Used only where the underlay sends segments at once ({@link Underlay#sendsSegmentsAtOnce});
 * loop-confined.
 */
final class DatagramBatch {

    /** What one GSO send takes: Linux's UDP_MAX_SEGMENTS and the largest IPv4 UDP payload. */
    private static final int MAX_SEGMENTS = 64;

    private static final int MAX_BYTES = 65507;

    private final Underlay underlay;
    private ByteBuf first;
    private ByteBuf run;
    private InetSocketAddress destination;
    private int sourcePort;
    private int length;
    private int count;

    DatagramBatch(Underlay underlay) {
        this.underlay = underlay;
    }

    /** Takes ownership of {@code datagram}; it leaves at the latest at {@link #flush}. */
    void add(ByteBuf datagram, InetSocketAddress destination, int sourcePort) {
        int size = datagram.readableBytes();
        if (count > 0
                && (size != length
                        || sourcePort != this.sourcePort
                        || destination != this.destination
                        || count == MAX_SEGMENTS
                        || (long) (count + 1) * size > MAX_BYTES)) {
            flush();
        }
        if (count == 0) {
            first = datagram;
            this.destination = destination;
            this.sourcePort = sourcePort;
            length = size;
            count = 1;
            return;
        }
        if (count == 1) {
            run = first.alloc().directBuffer(Math.min(MAX_BYTES / size, MAX_SEGMENTS) * size);
            run.writeBytes(first);
            first.release();
            first = null;
        }
        run.writeBytes(datagram);
        datagram.release();
        count++;
    }

    /** Hands the pending run to the underlay (which sends it on its own flush). */
    void flush() {
        if (count == 1) {
            underlay.send(first, destination, sourcePort);
        } else if (count > 1) {
            underlay.sendSegments(run, length, destination, sourcePort);
        }
        first = null;
        run = null;
        destination = null;
        count = 0;
    }
}
