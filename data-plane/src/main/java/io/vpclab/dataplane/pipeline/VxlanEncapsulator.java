package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.DropReason;

/**
 * Stage 8, VXLAN encapsulation: writes the 8-byte header in place, in the headroom every port
 * leaves before a frame ({@link FrameDevice#HEADROOM}), then hands the datagram to the underlay.
 * A frame larger than the underlay MTU minus 50 is dropped and counted, never fragmented (frames
 * from ports were measured at {@link InnerMtu} already; this guards the other paths).
 */
final class VxlanEncapsulator {

    private final Forwarding forwarding;

    VxlanEncapsulator(Forwarding forwarding) {
        this.forwarding = forwarding;
    }

    /** Encapsulates {@code frame} on {@code segment}'s VNI and sends it to {@code vtep}. */
    void encapsulate(Tables t, int segment, int ingressPort, int vtep, ByteBuf frame) {
        int sourcePort = Vxlan.sourcePort(forwarding.flowHashOf(frame));
        ByteBuf datagram = prepare(t, segment, ingressPort, frame);
        if (datagram != null) {
            forwarding.toUnderlay(t, vtep, datagram, sourcePort);
        }
    }

    /** Head-end replication: one header, one datagram per VTEP of the segment's flood list. */
    void replicate(Tables t, int segment, int ingressPort, ByteBuf frame) {
        int copies = t.state.floodCount(segment);
        if (copies == 0) {
            frame.release();
            return;
        }
        int sourcePort = Vxlan.sourcePort(forwarding.flowHashOf(frame));
        ByteBuf datagram = prepare(t, segment, ingressPort, frame);
        if (datagram == null) {
            return;
        }
        t.segments[segment].floodCopies(copies);
        t.host.floodCopies(copies);
        for (int i = 0; i < copies - 1; i++) {
            forwarding.toUnderlay(t, t.state.floodVtep(segment, i), datagram.retainedDuplicate(), sourcePort);
        }
        forwarding.toUnderlay(t, t.state.floodVtep(segment, copies - 1), datagram, sourcePort);
    }

    /**
     * Checks the size and writes the header in front of the frame; returns the datagram (the
     * same buffer, unless the frame lacked headroom and had to be copied), or null after a drop.
     */
    private ByteBuf prepare(Tables t, int segment, int ingressPort, ByteBuf frame) {
        int length = frame.readableBytes();
        if (length > t.state.maxInnerFrameLength() || frame.readerIndex() < Vxlan.HEADER_LENGTH) {
            frame = oversizeOrWithoutHeadroom(t, segment, ingressPort, frame);
            if (frame == null) {
                return null;
            }
        }
        int header = frame.readerIndex() - Vxlan.HEADER_LENGTH;
        Vxlan.write(frame, header, t.state.segmentVni(segment));
        frame.readerIndex(header);
        t.segments[segment].out(length);
        return frame;
    }

    /**
     * The rare cases, kept out of {@link #prepare} so that the common one stays small enough to
     * inline: an oversize frame is dropped; a device that broke the headroom contract costs one copy.
     */
    private ByteBuf oversizeOrWithoutHeadroom(Tables t, int segment, int ingressPort, ByteBuf frame) {
        if (frame.readableBytes() > t.state.maxInnerFrameLength()) {
            forwarding.drop(t, ingressPort, segment, DropReason.OVERSIZE, frame);
            return null;
        }
        return withHeadroom(frame);
    }

    private static ByteBuf withHeadroom(ByteBuf frame) {
        int length = frame.readableBytes();
        ByteBuf copy = frame.alloc().directBuffer(Vxlan.HEADER_LENGTH + length);
        copy.writerIndex(Vxlan.HEADER_LENGTH).readerIndex(Vxlan.HEADER_LENGTH);
        copy.writeBytes(frame, frame.readerIndex(), length);
        frame.release();
        return copy;
    }

    /** The UDP source port for this frame's flow, 49152..65535 (RFC 7348 s5). */
    static int sourcePort(ByteBuf frame) {
        return Vxlan.sourcePort(FlowHash.of(frame, frame.readerIndex()));
    }
}
