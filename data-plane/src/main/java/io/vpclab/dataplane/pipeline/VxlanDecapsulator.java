package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.net.Ipv4Address;
import java.net.InetSocketAddress;

/**
 * Stage 9 (from the underlay), VXLAN decapsulation (RFC 7348 s5): only from a known VTEP address, at least
 * 8 + 14 bytes, I flag set (the reserved bits are ignored), a VNI served here, and an inner
 * frame within this host's inner MTU (as its ports' frames are: a peer with a larger underlay
 * MTU cannot push larger frames to its instances; a learning peer's TSO frames excepted, see
 * {@link #fromLearningPeer}), and an inner source MAC that the table places
 * behind that VTEP on the VNI, or a router's (anti-spoofing: a VTEP speaks only for its own
 * instances; see {@link ForwardingState#maySendFrom}). Then the header is skipped in place and
 * the inner frame goes to receive coalescing ({@link UnderlayBursts}) or straight to local delivery.
 */
final class VxlanDecapsulator {

    private final Forwarding forwarding;
    private final LocalDelivery delivery;
    private final UnderlayBursts bursts;

    VxlanDecapsulator(Forwarding forwarding, LocalDelivery delivery, UnderlayBursts bursts) {
        this.forwarding = forwarding;
        this.delivery = delivery;
        this.bursts = bursts;
    }

    void receive(Tables t, ByteBuf payload, InetSocketAddress sender) {
        int length = payload.readableBytes();
        t.host.in(length);
        int senderIp = Ipv4Address.bitsOf(sender.getAddress());
        Capture capture = t.underlayCapture;
        if (capture != null) {
            capture.datagram(payload, senderIp, sender.getPort(), t.localIp, t.localPort);
        }
        int vtep = t.state.vtepIndexOf(senderIp);
        if (vtep == ForwardingState.NONE) {
            forwarding.drop(t, -1, -1, DropReason.UNKNOWN_VTEP, payload);
            return;
        }
        if (length < Vxlan.MIN_DATAGRAM_LENGTH) {
            forwarding.drop(t, -1, -1, DropReason.TRUNCATED, payload);
            return;
        }
        int offset = payload.readerIndex();
        long header = Vxlan.header(payload, offset);
        if (!Vxlan.hasVniOf(header)) {
            forwarding.drop(t, -1, -1, DropReason.NO_I_FLAG, payload);
            return;
        }
        int segment = t.state.segmentIndexOf(Vxlan.vniOf(header));
        if (segment == ForwardingState.NONE) {
            forwarding.drop(t, -1, -1, DropReason.UNKNOWN_VNI, payload);
            return;
        }
        if (length - Vxlan.HEADER_LENGTH > t.state.maxInnerFrameLength() && !fromLearningPeer(t, segment, vtep)) {
            forwarding.drop(t, -1, segment, DropReason.OVERSIZE, payload);
            return;
        }
        int inner = offset + Vxlan.HEADER_LENGTH;
        if (!t.state.maySendFrom(vtep, segment, Ethernet.source(payload, inner))) {
            forwarding.drop(t, -1, segment, DropReason.VTEP_SPOOFED_SOURCE, payload);
            return;
        }
        payload.readerIndex(inner);
        t.segments[segment].in(length - Vxlan.HEADER_LENGTH);
        if (t.plainSegment[segment] || !bursts.offer(t, segment, payload)) {
            delivery.deliver(t, segment, payload);
        }
    }

    /**
     * A Linux vxlan peer with checksum offload on a veth hands over whole inner TSO frames (the
     * kernel gives a plain UDP socket such tunnel GSO packets unsegmented); toward the one local
     * port of a segment with that learning peer they are delivered, and the port's
     * TAP merges them or writes them as they are, as the kernel's own vxlan receive would.
     */
    private static boolean fromLearningPeer(Tables t, int segment, int vtep) {
        return t.state.localPortCount(segment) == 1
                && t.state.learningPeer(segment, t.state.localPort(segment, 0)) == vtep;
    }
}
