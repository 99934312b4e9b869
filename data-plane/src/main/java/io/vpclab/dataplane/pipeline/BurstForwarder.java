package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.offload.GsoSegmenter;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Tcp;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.port.BurstPort;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.net.MacAddress;

/**
 * The path of a TSO or USO burst read from a {@link BurstPort}, as one unit: stages 1 port ingress, 3
 * classification, 5 the router ({@link L3Router#decide}, then its MAC and TTL rewrite once for the
 * whole burst), 6 public addresses (6a an elastic IP's outbound side, 6b a NAT gateway's private
 * side of a live session) and 7 the L2 lookup on the egress segment run once per burst; toward a remote VTEP the burst is cut by
 * {@link GsoSegmenter} into wire frames (TCP segments, or UDP datagrams of gso_size payload) laid out with a gap for the VXLAN header, which is written
 * in place, and the run leaves in UDP GSO sends; toward a local burst port it is written whole,
 * with its virtio-net header (a UDP burst only to a port whose TAP has USO, which the kernel needs).
 *
 * <p>Everything else is refused before anything is counted or changed ({@link #offer} returns
 * false), so the port segments the burst and every stage sees frames one by one exactly as on the
 * plain path: a refused or oversize frame
 * (dropped and counted per frame, with its ICMP answer), ARP, every router outcome but a next hop
 * (its gateway, TTL expiry, no route, public addresses held here, a new NAT session), floods, and a local port without
 * a burst-capable device.
 *
 * <p>Counters count frames and bytes as they are on the wire: one per segment; captures at the
 * ports and the underlay show the segments too.
 */
final class BurstForwarder {

    private static final int HEADER = BurstPort.VNET_HEADER_BYTES;
    /** Worst-case headers per segment: gap, Ethernet, IPv4 and TCP with options. */
    private static final int SEGMENT_OVERHEAD = SegmentCapture.SEGMENT_OVERHEAD;
    /** What one GSO send takes: Linux's UDP_MAX_SEGMENTS and the largest IPv4 UDP payload. */
    private static final int MAX_SEGMENTS_PER_SEND = 64;

    private static final int MAX_BYTES_PER_SEND = 65507;
    /** Linux's smallest MSS (TCP_MIN_SND_MSS): a burst cut finer goes the per-frame way. */
    private static final int MIN_GSO_SIZE = SegmentCapture.MIN_GSO_SIZE;

    private static final int NOT_ROUTED = -1;

    private final Forwarding forwarding;
    private final PortIngress ingress;
    private final Classifier classifier;
    private final L3Router router;
    private final ElasticIpNat elasticIps;
    private final NatGatewayStage natGateways;
    /** What {@link #route} decided for the burst being offered (loop-confined, like every stage). */
    private long nextHopMac;

    private int countedEgress;
    private int elasticIp;
    private int natGateway;
    private final GsoSegmenter segmenter = new GsoSegmenter(HEADER);
    private final SegmentCapture captures = new SegmentCapture();

    BurstForwarder(
            Forwarding forwarding,
            PortIngress ingress,
            Classifier classifier,
            L3Router router,
            ElasticIpNat elasticIps,
            NatGatewayStage natGateways) {
        this.forwarding = forwarding;
        this.ingress = ingress;
        this.classifier = classifier;
        this.router = router;
        this.elasticIps = elasticIps;
        this.natGateways = natGateways;
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
        int gsoType = VirtioNetHeader.gsoType(headerAndFrame, header);
        boolean udp = gsoType == VirtioNetHeader.GSO_UDP_L4;
        if ((gsoType != VirtioNetHeader.GSO_TCPV4 && !udp) || gsoSize < MIN_GSO_SIZE) {
            return false;
        }
        int segment = t.state.portSegment(port);
        int kind;
        headerAndFrame.readerIndex(frame);
        try {
            if (ingress.check(t, port, headerAndFrame) != null) {
                return false;
            }
            kind = classifier.classify(t, segment, headerAndFrame);
        } finally {
            headerAndFrame.readerIndex(header);
        }
        boolean routed = kind == Classifier.ROUTE;
        if (!routed && kind != Classifier.BRIDGE) {
            return false;
        }
        elasticIp = ForwardingState.NONE;
        natGateway = ForwardingState.NONE;
        int headersLength = headersLength(headerAndFrame, frame, frameLength, udp);
        if (headersLength < 0 || headersLength >= frameLength) {
            return false; // not a burst of this protocol, or one without payload: a frame of its own
        }
        if (headersLength + gsoSize > t.state.maxInnerFrameLength()) {
            return false; // InnerMtu answers each oversize frame, with its ICMP error
        }
        // a routed burst crosses the router (and an elastic IP or NAT gateway) once; every other
        // outcome is answered per frame
        int egress = routed ? route(t, segment, headerAndFrame, frame) : segment;
        if (egress < 0) {
            return false;
        }
        long destination = routed ? nextHopMac : Ethernet.destination(headerAndFrame, frame);
        int entry = MacAddress.isMulticast(destination) ? ForwardingState.NONE : t.state.macEntry(egress, destination);
        int payload = frameLength - headersLength;
        int frames = (payload + gsoSize - 1) / gsoSize;
        long wireBytes = payload + (long) frames * headersLength;
        BurstPort local = null;
        int target;
        if (entry == ForwardingState.NONE) {
            // unknown unicast toward a learning peer (the point-to-point mode) goes whole like a known one
            target = routed || MacAddress.isMulticast(destination)
                    ? ForwardingState.NONE
                    : t.state.learningPeer(segment, port);
            if (target == ForwardingState.NONE) {
                return false;
            }
        } else {
            target = ForwardingState.entryIndex(entry);
            if (ForwardingState.isLocalPortEntry(entry)) {
                if (target == port
                        || !(t.devices[target] instanceof BurstPort burstPort)
                        || !burstPort.writesBursts()
                        || (udp && !burstPort.writesUdpBursts())) {
                    return false;
                }
                local = burstPort;
            }
        }
        if (elasticIp != ForwardingState.NONE
                && !elasticIps.admitOutbound(t, elasticIp, headerAndFrame, frame + Ethernet.HEADER_LENGTH)) {
            return false; // connection table full: each frame is refused and counted on the per-frame path
        }
        DropReason refused = forwarding.securityPolicy.burst(t, port, headerAndFrame, frame, true, frames);
        if (refused != null) { // stage 2b, once for the burst
            forwarding.dropBurst(t, port, segment, refused, frames);
            return true;
        }
        // from here on the burst is ours: captured as read, translated once, counted, sent
        captures.write(t.portCaptures[port], headerAndFrame);
        if (routed) {
            translate(t, segment, headerAndFrame, frame, frames, wireBytes);
        }
        if (local != null) {
            countIn(t, port, segment, routed ? countedEgress : NOT_ROUTED, frames, wireBytes);
            captures.write(t.portCaptures[target], headerAndFrame);
            forwarding.toPortWhole(t, target, local, headerAndFrame, frames, wireBytes);
            return true;
        }
        // a burst the segmenter then refuses is dropped by the port, whose segmenter refuses it too
        return encapsulate(
                t,
                port,
                segment,
                routed ? countedEgress : NOT_ROUTED,
                egress,
                target,
                headerAndFrame,
                frameLength,
                gsoSize);
    }

    /**
     * The hops of a routed burst, decided once and changing nothing: the VPC router
     * ({@link L3Router#decide}), then, with no VPC route, the source's elastic IP, or, when the
     * next hop is a NAT gateway's private port here, the gateway. Returns the final egress segment
     * (the next hop's MAC in {@link #nextHopMac}) or a negative outcome for the per-frame path.
     */
    private int route(Tables t, int segment, ByteBuf headerAndFrame, int frame) {
        int ip = frame + Ethernet.HEADER_LENGTH;
        int egress = router.decide(t, segment, headerAndFrame, ip);
        if (egress == L3Router.VIA_ELASTIC_IP) {
            elasticIp = t.state.elasticIpByPrivate(segment, Ipv4.source(headerAndFrame, ip));
            egress = elasticIps.outboundEgress(t, Ipv4.destination(headerAndFrame, ip));
            nextHopMac = elasticIps.nextHopMac();
            countedEgress = egress; // the per-frame path counts it in on the public segment
            return egress;
        }
        if (egress < 0) {
            return egress;
        }
        nextHopMac = router.nextHopMac();
        countedEgress = egress;
        natGateway = PublicAddresses.natGatewayBehind(t, t.state.macEntry(egress, nextHopMac));
        if (natGateway != ForwardingState.NONE) {
            egress =
                    natGateways.privateBurstEgress(t, natGateway, headerAndFrame, ip, Ipv4.ttl(headerAndFrame, ip) - 1);
            nextHopMac = natGateways.nextHopMac();
        }
        return egress;
    }

    /**
     * What the hops of {@link #route} do to the burst, once: the router's MAC and TTL rewrite; for
     * an instance leaving through its elastic IP (its connection already recorded) the elastic IP
     * as source, TTL - 1 and the public router's MACs; then the NAT gateway's translation. Address
     * rewrites of a partial TCP or UDP checksum take the pseudo-header update.
     */
    private void translate(Tables t, int segment, ByteBuf headerAndFrame, int frame, int frames, long wireBytes) {
        boolean partial = VirtioNetHeader.needsChecksum(headerAndFrame, frame - HEADER);
        if (elasticIp != ForwardingState.NONE) {
            elasticIps.translateOutbound(
                    t, elasticIp, headerAndFrame, frame + Ethernet.HEADER_LENGTH, partial, frames, wireBytes);
            elasticIps.setHopMacs(t, headerAndFrame, frame);
            return;
        }
        router.rewrite(t, segment, headerAndFrame, frame);
        if (natGateway != ForwardingState.NONE) {
            t.segments[countedEgress].in(frames, wireBytes); // the VPC hop, before the gateway
            natGateways.translatePrivateBurst(t, natGateway, headerAndFrame, frame, frames, wireBytes, partial);
            countedEgress = NOT_ROUTED; // the gateway counted the public segment in itself
        }
    }

    /**
     * Ethernet + IPv4 + TCP (or, for a USO burst, UDP) headers of an untagged IPv4 frame of that
     * protocol, or -1 when it is not one.
     */
    private static int headersLength(ByteBuf buf, int frame, int frameLength, boolean udp) {
        int ip = frame + Ethernet.HEADER_LENGTH;
        int minL4 = udp ? Udp.HEADER_LENGTH : Tcp.MIN_HEADER_LENGTH;
        if (frameLength < Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + minL4
                || Ethernet.etherType(buf, frame) != EtherType.IPV4_VALUE
                || Ipv4.protocol(buf, ip) != (udp ? IpProtocol.UDP_VALUE : IpProtocol.TCP_VALUE)
                || Ipv4.isFragment(buf, ip)) {
            return -1;
        }
        int l4 = ip + Ipv4.headerLength(buf, ip);
        if (l4 + minL4 > frame + frameLength) {
            return -1;
        }
        int length = l4 - frame + (udp ? Udp.HEADER_LENGTH : Tcp.headerLength(buf, l4));
        return length <= frameLength ? length : -1;
    }

    /**
     * Counted as the per-frame path counts: in at the port and its segment, and once more on the
     * egress segment of a routed burst ({@code routedEgress}; {@link #NOT_ROUTED} when bridged).
     */
    private static void countIn(Tables t, int port, int segment, int routedEgress, int frames, long wireBytes) {
        t.ports[port].in(frames, wireBytes);
        t.segments[segment].in(frames, wireBytes);
        if (routedEgress >= 0) {
            t.segments[routedEgress].in(frames, wireBytes);
        }
    }

    private boolean encapsulate(
            Tables t,
            int port,
            int segment,
            int routedEgress,
            int egress,
            int vtep,
            ByteBuf headerAndFrame,
            int frameLength,
            int gsoSize) {
        int sourcePort = Vxlan.sourcePort(FlowHash.of(headerAndFrame, headerAndFrame.readerIndex() + HEADER));
        int room = frameLength + (frameLength / gsoSize + 1) * SEGMENT_OVERHEAD;
        ByteBufAllocator allocator = headerAndFrame.alloc();
        ByteBuf out = allocator.directBuffer(room);
        try {
            int count = segmenter.segment(headerAndFrame, out, Vxlan.HEADER_LENGTH);
            if (count == 0) {
                return false; // the port's own segmenter refuses it too, and counts why
            }
            int segmentLength = count == 1 ? out.writerIndex() : segmenter.segmentLength();
            int vni = t.state.segmentVni(egress);
            for (int at = 0; at < out.writerIndex(); at += segmentLength) {
                Vxlan.write(out, at, vni);
            }
            long innerBytes = out.writerIndex() - (long) count * Vxlan.HEADER_LENGTH;
            countIn(t, port, segment, routedEgress, count, innerBytes);
            t.segments[egress].out(count, innerBytes);
            int perSend = Math.max(1, Math.min(MAX_SEGMENTS_PER_SEND, MAX_BYTES_PER_SEND / segmentLength));
            for (int from = 0, end = out.writerIndex(); from < end; from += perSend * segmentLength) {
                int length = Math.min(perSend * segmentLength, end - from);
                int datagrams = (length + segmentLength - 1) / segmentLength;
                forwarding.toUnderlaySegments(
                        t, vtep, out.retainedSlice(from, length), segmentLength, datagrams, sourcePort);
            }
            return true;
        } finally {
            out.release();
        }
    }
}
