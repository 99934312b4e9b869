package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Packets;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.RouteDecision;
import io.vpclab.net.MacAddress;

/**
 * Stage 5, L3 route: the distributed router of a VPC, at the ingress host (asymmetric IRB).
 * A frame sent to the router MAC is matched longest-prefix-first against the router's routes,
 * which give the egress segment; the destination MAC comes from that segment's bindings. The
 * frame is rewritten in place (source MAC = router MAC, TTL - 1 with an incremental checksum
 * update) and bridged on the egress segment. TTL 1 or 0 gets ICMP time exceeded from the
 * ingress segment's gateway address, so traceroute shows the router as exactly one hop. The
 * router also answers ping to its own gateway addresses. A destination no route matches leaves
 * through the source's elastic IP if it has one, else by the source segment's default route (to
 * the MAC of its NAT gateway's private address). A route of the source subnet's route table
 * (to an appliance instance, or a blackhole) wins when its prefix is at least as long as the
 * router's match: the frame goes to the appliance's MAC with its destination unchanged. The decision is one method, {@link #decide},
 * which a TSO burst ({@link BurstForwarder}) crosses too, once for the whole burst.
 */
final class L3Router {

    /** TTL of packets the router originates (RFC 1700 default; Linux uses 64 too). */
    private static final int ORIGINATED_TTL = 64;

    private final Forwarding forwarding;
    private final L2Forwarder bridge;
    private final PublicAddresses publicAddresses;

    L3Router(Forwarding forwarding, L2Forwarder bridge, PublicAddresses publicAddresses) {
        this.forwarding = forwarding;
        this.bridge = bridge;
        this.publicAddresses = publicAddresses;
    }

    static final int TO_GATEWAY = RouteDecision.TO_GATEWAY;
    static final int TTL_EXPIRED = RouteDecision.TTL_EXPIRED;
    static final int VIA_ELASTIC_IP = RouteDecision.VIA_ELASTIC_IP;
    static final int TO_PUBLIC_ADDRESS = RouteDecision.TO_PUBLIC_ADDRESS;
    static final int NO_ROUTE = RouteDecision.NO_ROUTE;
    static final int BLACKHOLE = RouteDecision.BLACKHOLE;

    /** The decision itself, shared with the control plane's analyzer; keeps the last next hop's MAC (loop-confined). */
    private final RouteDecision decision = new RouteDecision();

    void route(Tables t, int port, int segment, ByteBuf frame) {
        int offset = frame.readerIndex();
        int ip = offset + Ethernet.HEADER_LENGTH;
        // PortIngress has validated the IPv4 header of every IPv4 frame.
        if (Ethernet.etherType(frame, offset) != EtherType.IPV4_VALUE) {
            forwarding.drop(t, port, segment, DropReason.NO_ROUTE, frame);
            return;
        }
        int egress = decide(t, segment, frame, ip);
        if (t.state.isVpnGatewayPort(port)
                && !decision.staysInVpc(t.state, segment, egress, Ipv4.destination(frame, ip))) {
            forwarding.drop(t, port, segment, DropReason.VPN_NO_TRANSIT, frame);
            return;
        }
        switch (egress) {
            case TO_GATEWAY -> answerForGateway(t, port, segment, t.state.segmentRouter(segment), frame);
            case TTL_EXPIRED -> timeExceeded(t, port, segment, t.state.segmentRouter(segment), frame);
            case VIA_ELASTIC_IP -> publicAddresses.viaElasticIp(t, port, segment, frame);
            case TO_PUBLIC_ADDRESS -> publicAddresses.toPublicAddress(t, port, Ipv4.destination(frame, ip), frame);
            case NO_ROUTE -> forwarding.drop(t, port, segment, DropReason.NO_ROUTE, frame);
            case BLACKHOLE -> forwarding.drop(t, port, segment, DropReason.BLACKHOLE_ROUTE, frame);
            default -> {
                rewrite(t, segment, frame, offset);
                t.segments[egress].in(frame.readableBytes());
                long nextHopMac = decision.nextHopMac();
                if (MacAddress.isMulticast(nextHopMac)) {
                    bridge.forward(t, egress, port, frame);
                    return;
                }
                int entry = t.state.macEntry(egress, nextHopMac);
                int nat = PublicAddresses.natGatewayBehind(t, entry);
                if (nat != ForwardingState.NONE) { // the default route's next hop: a NAT gateway held here
                    publicAddresses.toNatGateway(t, ForwardingState.entryIndex(entry), nat, frame);
                } else {
                    bridge.forwardUnicast(t, egress, port, entry, frame);
                }
            }
        }
    }

    /**
     * The routing decision for an IPv4 packet (header at {@code ip}) that entered {@code segment}
     * addressed to its router, shared by the per-frame path and {@link BurstForwarder}: the egress
     * segment (0 or more, the next hop's MAC then in {@link #nextHopMac()}), or one of the negative
     * outcomes above. Reads the packet, changes nothing.
     */
    int decide(Tables t, int segment, ByteBuf frame, int ip) {
        return decision.decide(
                t.state, segment, Ipv4.source(frame, ip), Ipv4.destination(frame, ip), Ipv4.ttl(frame, ip));
    }

    /** The next hop's MAC of the last {@link #decide} that returned an egress segment. */
    long nextHopMac() {
        return decision.nextHopMac();
    }

    /**
     * Applies the last decision to the frame at {@code offset}: MACs of the hop, TTL - 1 with an
     * incremental header checksum update (for a burst, the segmenter later gives each segment its
     * own length, id and checksum).
     */
    void rewrite(Tables t, int segment, ByteBuf frame, int offset) {
        Ethernet.setDestination(frame, offset, decision.nextHopMac());
        Ethernet.setSource(frame, offset, t.state.routerMac(t.state.segmentRouter(segment)));
        Ipv4.decrementTtl(frame, offset + Ethernet.HEADER_LENGTH);
    }

    /** Echo request to a gateway address: answered in place. Anything else for the router: dropped. */
    private void answerForGateway(Tables t, int port, int segment, int router, ByteBuf frame) {
        int offset = frame.readerIndex();
        int ip = offset + Ethernet.HEADER_LENGTH;
        int headerLength = Ipv4.headerLength(frame, ip);
        int icmp = ip + headerLength;
        int icmpLength = Ipv4.totalLength(frame, ip) - headerLength;
        if (Ipv4.protocol(frame, ip) != IpProtocol.ICMP_VALUE
                || icmpLength < Icmp.HEADER_LENGTH
                || Ipv4.isFragment(frame, ip)
                || Icmp.type(frame, icmp) != IcmpType.ECHO_REQUEST_VALUE) {
            forwarding.drop(t, port, segment, DropReason.NO_ROUTE, frame);
            return;
        }
        long requesterMac = Ethernet.source(frame, offset);
        Ethernet.setDestination(frame, offset, requesterMac);
        Ethernet.setSource(frame, offset, t.state.routerMac(router));
        int requester = Ipv4.source(frame, ip);
        frame.setInt(ip + 12, Ipv4.destination(frame, ip));
        frame.setInt(ip + 16, requester);
        frame.setByte(ip + 8, ORIGINATED_TTL);
        Ipv4.updateChecksum(frame, ip);
        int oldWord = frame.getUnsignedShort(icmp);
        int newWord = (IcmpType.ECHO_REPLY_VALUE << 8) | Icmp.code(frame, icmp);
        frame.setShort(icmp, newWord);
        frame.setShort(icmp + 2, Packets.adjustChecksum(Icmp.checksum(frame, icmp), oldWord, newWord));
        forwarding.toPort(t, port, frame);
    }

    /** ICMP time exceeded (RFC 792) from the ingress gateway. */
    private void timeExceeded(Tables t, int port, int segment, int router, ByteBuf frame) {
        int offset = frame.readerIndex();
        int gateway = t.state.segmentGateway(segment);
        if (gateway == 0 || !IcmpErrors.mayAnswer(frame, offset + Ethernet.HEADER_LENGTH)) {
            forwarding.drop(t, port, segment, DropReason.TTL_EXCEEDED, frame);
            return;
        }
        ByteBuf reply = IcmpErrors.build(
                frame,
                Ethernet.source(frame, offset),
                t.state.routerMac(router),
                gateway,
                IcmpType.TIME_EXCEEDED_VALUE,
                Icmp.CODE_TTL_EXCEEDED,
                0);
        forwarding.drop(t, port, segment, DropReason.TTL_EXCEEDED, frame);
        forwarding.toPort(t, port, reply);
    }
}
