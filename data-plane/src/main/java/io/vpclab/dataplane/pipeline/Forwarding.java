package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.port.BurstPort;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.underlay.Underlay;
import io.vpclab.net.Ipv4Address;
import java.net.InetSocketAddress;

/**
 * What the stages share: the installed {@link Tables}, the two ways out (a local port or the
 * underlay), the drop counter, and end-of-batch flushing. One per VTEP, used on its loop.
 */
public final class Forwarding {

    private final Underlay underlay;
    private final EventLoop loop;
    private final Runnable flushTask = this::flushAll;
    private boolean flushScheduled;
    /**
     * Burst bytes queued since the last underlay flush: a TAP read batch can bring dozens of 64 KB
     * bursts, more than the underlay's send queue holds, so they leave every so many bytes, not
     * only at the end of the batch (which would drop the rest: TCP loss).
     */
    private int unflushedSegmentBytes;
    /** Runs of equal datagrams gathered into GSO sends, or null where the underlay has no GSO. */
    private final DatagramBatch batch;

    private static final int SEGMENT_FLUSH_BYTES = 256 * 1024;
    Tables tables;
    /** Security groups and ACLs of the port a frame is delivered to; set by the pipeline. */
    SecurityPolicy securityPolicy;
    /** Emits what the receive side holds back until the end of a batch (merged bursts), first in {@link #flushAll}. */
    Runnable endOfReceiveBatch = () -> {};

    /**
     * The frame whose flow hash stage 2b computed from the header it read ({@link #rememberFlowHash}),
     * or null: the encapsulator then takes the hash instead of reading and hashing the 5-tuple again.
     * Taken once, by the frame's encapsulation in the {@link Pipeline#fromPort} call that set it:
     * every entry into the pipeline (and every flush) forgets it, as does any stage that rewrites the
     * 5-tuple ({@link PublicAddresses}).
     */
    private ByteBuf hashedFrame;

    private int hashedFrameFlowHash;

    /** The pipeline installs the first {@link Tables} right after construction. */
    Forwarding(Underlay underlay) {
        this.underlay = underlay;
        this.batch = underlay.sendsSegmentsAtOnce() ? new DatagramBatch(underlay) : null;
        this.loop = underlay.loop(); // null when a benchmark drives the pipeline without a loop
    }

    /** {@code frame}'s {@link FlowHash}, computed by a stage that read its 5-tuple anyway. */
    void rememberFlowHash(ByteBuf frame, int flowHash) {
        hashedFrame = frame;
        hashedFrameFlowHash = flowHash;
    }

    void forgetFlowHash() {
        if (hashedFrame != null) {
            hashedFrame = null;
        }
    }

    /** {@link FlowHash#of} the frame (Ethernet header at readerIndex): remembered once, else read and hashed. */
    int flowHashOf(ByteBuf frame) {
        if (hashedFrame == frame) {
            hashedFrame = null;
            return hashedFrameFlowHash;
        }
        return FlowHash.of(frame, frame.readerIndex());
    }

    /**
     * Counts {@code reason} on the host and, when known (index >= 0), on the port and segment,
     * then releases {@code buf}.
     */
    void drop(Tables t, int port, int segment, DropReason reason, ByteBuf buf) {
        t.host.drop(reason);
        if (port >= 0) {
            t.ports[port].drop(reason);
        }
        if (segment >= 0) {
            t.segments[segment].drop(reason);
        }
        buf.release();
    }

    /**
     * Counts a burst dropped whole as its {@code frames} wire frames, as {@link #drop} counts one;
     * the caller keeps (and releases) the burst's buffer.
     */
    void dropBurst(Tables t, int port, int segment, DropReason reason, int frames) {
        t.host.drop(reason, frames);
        if (port >= 0) {
            t.ports[port].drop(reason, frames);
        }
        if (segment >= 0) {
            t.segments[segment].drop(reason, frames);
        }
    }

    /** Hands {@code frame} to the device of local port {@code port}; drops it when none is attached. */
    void toPort(Tables t, int port, ByteBuf frame) {
        FrameDevice device = t.devices[port];
        int segment = t.state.portSegment(port);
        if (device == null) {
            drop(t, port, segment, DropReason.NO_LOCAL_PORT, frame);
            return;
        }
        if (!t.plainPort[port] && !filteredOrCaptured(t, port, frame)) {
            return;
        }
        int length = frame.readableBytes();
        t.ports[port].out(length);
        t.segments[segment].out(length);
        device.write(frame);
        scheduleFlush();
    }

    /**
     * What {@link #toPort} does for a port that is not {@link Tables#plainPort}: its security
     * policy decides, then its capture sees the frame. False after a drop.
     */
    private boolean filteredOrCaptured(Tables t, int port, ByteBuf frame) {
        if (!securityPolicy.admitsIn(t, port, frame)) {
            return false;
        }
        Capture capture = t.portCaptures[port];
        if (capture != null) {
            capture.frame(frame);
        }
        return true;
    }

    /**
     * Hands a burst (virtio-net header first, borrowed) whole to local port {@code port}'s burst
     * device, counted as the {@code frames} frames of {@code bytes} it stands for on the wire.
     */
    void toPortWhole(Tables t, int port, BurstPort device, ByteBuf headerAndFrame, int frames, long bytes) {
        DropReason refused = securityPolicy.burst(
                t, port, headerAndFrame, headerAndFrame.readerIndex() + BurstPort.VNET_HEADER_BYTES, false, frames);
        if (refused != null) { // decided once for the burst, counted per wire frame
            dropBurst(t, port, t.state.portSegment(port), refused, frames);
            return;
        }
        t.ports[port].out(frames, bytes);
        t.segments[t.state.portSegment(port)].out(frames, bytes);
        device.writeBurst(headerAndFrame);
        scheduleFlush();
    }

    /**
     * Sends {@code datagrams} VXLAN datagrams of {@code segmentLength} bytes (the last may be
     * shorter), laid out one after the other in {@code payload}, to a remote VTEP in one GSO send.
     */
    void toUnderlaySegments(Tables t, int vtep, ByteBuf payload, int segmentLength, int datagrams, int sourcePort) {
        int bytes = payload.readableBytes();
        t.host.out(datagrams, bytes);
        InetSocketAddress destination = t.state.vtepAddress(vtep);
        Capture capture = t.underlayCapture;
        if (capture != null) { // each datagram as it is on the wire
            int destinationIp = Ipv4Address.bitsOf(destination.getAddress());
            for (int at = payload.readerIndex(), end = payload.writerIndex(); at < end; at += segmentLength) {
                capture.datagram(
                        payload.slice(at, Math.min(segmentLength, end - at)),
                        t.localIp,
                        t.localPort,
                        destinationIp,
                        destination.getPort());
            }
        }
        if (batch != null) {
            batch.flush(); // what was queued before goes first
        }
        underlay.sendSegments(payload, segmentLength, destination, sourcePort);
        unflushedSegmentBytes += bytes;
        if (unflushedSegmentBytes >= SEGMENT_FLUSH_BYTES) {
            unflushedSegmentBytes = 0;
            underlay.flush();
        }
        scheduleFlush();
    }

    /** Sends one VXLAN datagram (payload starts at the VXLAN header) to a remote VTEP. */
    void toUnderlay(Tables t, int vtep, ByteBuf payload, int sourcePort) {
        t.host.out(payload.readableBytes());
        InetSocketAddress destination = t.state.vtepAddress(vtep);
        if (t.underlayCapture != null) {
            captureSent(t, payload, destination);
        }
        if (batch != null) {
            batch.add(payload, destination, sourcePort);
        } else {
            underlay.send(payload, destination, sourcePort);
        }
        scheduleFlush();
    }

    /** Writes a datagram about to leave to the underlay capture; out of line, as captures are rare. */
    private static void captureSent(Tables t, ByteBuf payload, InetSocketAddress destination) {
        t.underlayCapture.datagram(
                payload, t.localIp, t.localPort, Ipv4Address.bitsOf(destination.getAddress()), destination.getPort());
    }

    /**
     * Flushes ports and underlay once per batch: the flush runs as a loop task after the I/O
     * events being processed, so frames read in one wakeup leave in one batch.
     */
    void scheduleFlush() {
        if (!flushScheduled && loop != null) {
            flushScheduled = true;
            loop.execute(flushTask);
        }
    }

    void flushAll() {
        forgetFlowHash();
        endOfReceiveBatch.run(); // while flushScheduled is still set: what it delivers leaves in this flush
        flushScheduled = false;
        unflushedSegmentBytes = 0;
        if (batch != null) {
            batch.flush();
        }
        Tables t = tables;
        for (FrameDevice device : t.devices) {
            if (device != null) {
                device.flush();
            }
        }
        underlay.flush();
    }
}
