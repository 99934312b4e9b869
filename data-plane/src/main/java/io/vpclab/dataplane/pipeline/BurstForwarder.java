package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.net.MacAddress;
import io.vpclab.dataplane.offload.TcpSegmenter;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Tcp;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.BurstPort;
import io.vpclab.dataplane.table.ForwardingState;

/**
 * The same-subnet path of a TSO burst read from a {@link BurstPort}, as one unit: port ingress,
 * classification and the L2 lookup run once per burst; toward a remote VTEP the burst is cut by
 * {@link TcpSegmenter} into wire frames laid out with a gap for the VXLAN header, which is written
 * in place, and the run leaves in UDP GSO sends; toward a local burst port it is written whole,
 * with its virtio-net header.
 *
 * <p>Everything else is refused before anything is counted or sent ({@link #offer} returns false),
 * so the port segments the burst and every stage sees frames one by one exactly as on the plain
 * path: a port or underlay capture (which show segments), a refused or oversize frame (dropped and
 * counted per frame, with its ICMP answer), ARP, the router and everything behind it (elastic IPs,
 * NAT gateways, whitelists, peering), floods, and a local port without a burst-capable device.
 *
 * <p>Counters count frames and bytes as they are on the wire: one per segment.
 */
final class BurstForwarder {

    private static final int HEADER = BurstPort.VNET_HEADER_BYTES;
    /** Worst-case headers per segment: gap, Ethernet, IPv4 and TCP with options. */
    private static final int SEGMENT_OVERHEAD = Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH + 60 + 60;
    /** What one GSO send takes: Linux's UDP_MAX_SEGMENTS and the largest IPv4 UDP payload. */
    private static final int MAX_SEGMENTS_PER_SEND = 64;
    private static final int MAX_BYTES_PER_SEND = 65507;
    /** Linux's smallest MSS (TCP_MIN_SND_MSS): a burst cut finer goes the per-frame way. */
    private static final int MIN_GSO_SIZE = 48;

    private final Forwarding forwarding;
    private final PortIngress ingress;
    private final Classifier classifier;
    private final TcpSegmenter segmenter = new TcpSegmenter(HEADER);

    BurstForwarder(Forwarding forwarding, PortIngress ingress, Classifier classifier) {
        this.forwarding = forwarding;
        this.ingress = ingress;
        this.classifier = classifier;
    }

    /**
     * Forwards the burst (virtio-net header at readerIndex, borrowed) from local port {@code port}
     * whole, or returns false having done nothing.
     */
    boolean offer(Tables t, int port, ByteBuf headerAndFrame) {
        int header = headerAndFrame.readerIndex();
        int frame = header + HEADER;
        int frameLength = headerAndFrame.writerIndex() - frame;
        int gsoSize = VirtioNetHeader.gsoSize(headerAndFrame, header);
        if (VirtioNetHeader.gsoType(headerAndFrame, header) != VirtioNetHeader.GSO_TCPV4 || gsoSize < MIN_GSO_SIZE
            || t.portCaptures[port] != null) {
            return false;
        }
        int segment = t.state.portSegment(port);
        headerAndFrame.readerIndex(frame);
        try {
            if (ingress.check(t, port, headerAndFrame) != null
                || classifier.classify(t, segment, headerAndFrame) != Classifier.BRIDGE) {
                return false;
            }
        } finally {
            headerAndFrame.readerIndex(header);
        }
        int headersLength = headersLength(headerAndFrame, frame, frameLength);
        if (headersLength < 0 || headersLength + gsoSize > t.state.maxInnerFrameLength()) {
            return false;   // InnerMtu answers each oversize frame, with its ICMP error
        }
        long destination = Ethernet.destination(headerAndFrame, frame);
        int entry = MacAddress.isMulticast(destination) ? ForwardingState.NONE : t.state.macEntry(segment, destination);
        if (entry == ForwardingState.NONE) {
            // unknown unicast toward a learning peer (the point-to-point mode) goes whole like a known one
            int learningPeer = MacAddress.isMulticast(destination) ? ForwardingState.NONE
                : t.state.soleFloodVtep(segment, port);
            return learningPeer != ForwardingState.NONE && t.underlayCapture == null
                && encapsulate(t, port, segment, learningPeer, headerAndFrame, frameLength, gsoSize);
        }
        int payload = frameLength - headersLength;
        int frames = (payload + gsoSize - 1) / gsoSize;
        long wireBytes = payload + (long) frames * headersLength;
        if (ForwardingState.isLocalPortEntry(entry)) {
            int target = ForwardingState.entryIndex(entry);
            if (target == port || !(t.devices[target] instanceof BurstPort burstPort)
                || !burstPort.writesBursts() || t.portCaptures[target] != null) {
                return false;
            }
            countIn(t, port, segment, frames, wireBytes);
            forwarding.toPortWhole(t, target, burstPort, headerAndFrame, frames, wireBytes);
            return true;
        }
        if (t.underlayCapture != null) {
            return false;
        }
        return encapsulate(t, port, segment, ForwardingState.entryIndex(entry), headerAndFrame, frameLength, gsoSize);
    }

    /** Ethernet + IPv4 + TCP headers of an untagged TCP/IPv4 frame, or -1 when it is not one. */
    private static int headersLength(ByteBuf buf, int frame, int frameLength) {
        int ip = frame + Ethernet.HEADER_LENGTH;
        if (frameLength < Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + Tcp.MIN_HEADER_LENGTH
            || Ethernet.etherType(buf, frame) != EtherType.IPV4_VALUE
            || Ipv4.protocol(buf, ip) != IpProtocol.TCP_VALUE || Ipv4.isFragment(buf, ip)) {
            return -1;
        }
        int tcp = ip + Ipv4.headerLength(buf, ip);
        int length = tcp + Tcp.MIN_HEADER_LENGTH <= frame + frameLength ? tcp - frame + Tcp.headerLength(buf, tcp) : -1;
        return length <= frameLength ? length : -1;
    }

    private static void countIn(Tables t, int port, int segment, int frames, long wireBytes) {
        t.ports[port].in(frames, wireBytes);
        t.segments[segment].in(frames, wireBytes);
    }

    private boolean encapsulate(Tables t, int port, int segment, int vtep, ByteBuf headerAndFrame, int frameLength,
                                int gsoSize) {
        int sourcePort = Vxlan.sourcePort(FlowHash.of(headerAndFrame, headerAndFrame.readerIndex() + HEADER));
        int room = frameLength + (frameLength / gsoSize + 1) * SEGMENT_OVERHEAD;
        ByteBufAllocator allocator = headerAndFrame.alloc();
        ByteBuf out = allocator.directBuffer(room);
        try {
            int count = segmenter.segment(headerAndFrame, out, Vxlan.HEADER_LENGTH);
            if (count == 0) {
                return false;   // the port's own segmenter refuses it too, and counts why
            }
            int segmentLength = count == 1 ? out.writerIndex() : segmenter.segmentLength();
            int vni = t.state.segmentVni(segment);
            for (int at = 0; at < out.writerIndex(); at += segmentLength) {
                Vxlan.write(out, at, vni);
            }
            long innerBytes = out.writerIndex() - (long) count * Vxlan.HEADER_LENGTH;
            countIn(t, port, segment, count, innerBytes);
            t.segments[segment].out(count, innerBytes);
            int perSend = Math.max(1, Math.min(MAX_SEGMENTS_PER_SEND, MAX_BYTES_PER_SEND / segmentLength));
            for (int from = 0, end = out.writerIndex(); from < end; from += perSend * segmentLength) {
                int length = Math.min(perSend * segmentLength, end - from);
                int datagrams = (length + segmentLength - 1) / segmentLength;
                forwarding.toUnderlaySegments(t, vtep, out.retainedSlice(from, length), segmentLength, datagrams,
                    sourcePort);
            }
            return true;
        } finally {
            out.release();
        }
    }
}
