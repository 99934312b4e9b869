package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.net.MacAddress;

/**
 * Stage 2, the inner MTU (the underlay MTU minus 50): VTEPs never fragment, so a frame from a
 * port longer than that plus its Ethernet header is dropped as {@link DropReason#OVERSIZE},
 * whatever its destination (a port on this host too, so what passes never depends on where
 * instances are placed). An IPv4 packet with DF set gets ICMP fragmentation needed with the
 * inner MTU (RFC 1191) back, as Linux's tunnels answer, so path MTU discovery works: a routed
 * packet from the router (gateway address, router MAC), a bridged one from its destination's
 * own addresses, as Linux's bridged vxlan does (skb_tunnel_check_pmtu). Not rate limited, like
 * Linux, which exempts fragmentation needed from its ICMP rate limits (icmpv4_xrlim_allow): the
 * answer only goes back to the port that sent the packet, and is smaller than it.
 */
final class InnerMtu {

    private final Forwarding forwarding;

    InnerMtu(Forwarding forwarding) {
        this.forwarding = forwarding;
    }

    /** True when {@code frame} fits; else it is dropped, counted and, when its DF bit asks for it, answered. */
    boolean admits(Tables t, int port, int segment, ByteBuf frame) {
        int limit = t.state.maxInnerFrameLength();
        if (frame.readableBytes() <= limit) {
            return true;
        }
        ByteBuf error = fragmentationNeeded(t, segment, frame, limit - Ethernet.HEADER_LENGTH);
        forwarding.drop(t, port, segment, DropReason.OVERSIZE, frame);
        if (error != null) {
            forwarding.toPort(t, port, error);
        }
        return false;
    }

    /** The ICMP answer to an oversize DF packet (PortIngress validated its IPv4 header), or null when none is due. */
    private static ByteBuf fragmentationNeeded(Tables t, int segment, ByteBuf frame, int mtu) {
        int offset = frame.readerIndex();
        int ip = offset + Ethernet.HEADER_LENGTH;
        if (Ethernet.etherType(frame, offset) != EtherType.IPV4_VALUE
                || Ipv4.flagsAndFragment(frame, ip) != Ipv4.FLAG_DONT_FRAGMENT
                || !IcmpErrors.mayAnswer(frame, ip)) {
            return null;
        }
        long destinationMac = Ethernet.destination(frame, offset);
        int router = t.state.segmentRouter(segment);
        long sourceMac = destinationMac;
        int sourceIp = Ipv4.destination(frame, ip);
        if (router != ForwardingState.NONE && destinationMac == t.state.routerMac(router)) {
            sourceMac = t.state.routerMac(router);
            sourceIp = t.state.segmentGateway(segment);
        }
        if (sourceIp == 0 || MacAddress.isMulticast(sourceMac)) {
            return null;
        }
        return IcmpErrors.build(
                frame,
                Ethernet.source(frame, offset),
                sourceMac,
                sourceIp,
                IcmpType.DESTINATION_UNREACHABLE_VALUE,
                Icmp.CODE_FRAGMENTATION_NEEDED,
                mtu);
    }
}
