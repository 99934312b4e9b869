package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.port.BurstPort;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;

/**
 * Stage 6a ({@link PublicAddresses}), elastic IP 1:1 NAT at the instance's host. Outbound: a packet its VPC router has no
 * route for, from an instance with an elastic IP, gets the elastic IP as source and is routed by
 * the public network's router onto the public segment (the elastic IP is the instance's default
 * route). Inbound: a packet for a local elastic IP (routed here by the public router, locally or
 * over VXLAN on the public segment) is let in when it replies to a recorded outbound flow or the
 * ingress policy allows everything, then gets the private address as destination and is routed
 * onto the instance's segment. Each direction is one routed hop (TTL - 1).
 *
 * <p>Under a WHITELIST ingress policy, an inbound packet that is not part of a known flow is a
 * new flow: the whitelist decides, and an admitted flow is recorded in the same connection table
 * as outbound flows, so its later packets and the instance's replies pass without matching again.
 * ICMP errors about a recorded flow are related traffic: they pass under every policy, with the
 * quoted packet translated back too ({@link IcmpErrors}).
 *
 * <p>Each elastic IP counts what crosses it ({@code Tables.elasticIps}, plain counters of the
 * loop): in, packets translated toward the instance; out, packets translated from it; and every
 * packet refused or dropped at the address, by reason. A burst counts as its wire frames.
 */
final class ElasticIpNat {

    private final Forwarding forwarding;
    private final L2Forwarder bridge;
    private final ConnectionTable flows;
    private final WhitelistFilter whitelists;
    private final SegmentCapture captures = new SegmentCapture();

    ElasticIpNat(Forwarding forwarding, L2Forwarder bridge, ConnectionTable flows, WhitelistFilter whitelists) {
        this.forwarding = forwarding;
        this.bridge = bridge;
        this.flows = flows;
        this.whitelists = whitelists;
    }

    /** {@link #outboundEgress}: the destination is another elastic IP of this host. */
    static final int HAIRPIN = -2;

    /** The next hop's MAC of the last {@link #outboundEgress} that returned the public segment (loop-confined). */
    private long nextHopMac;

    /**
     * A routed packet (TTL already checked) with no VPC route. Returns false, leaving the frame to
     * the caller, when its source has no elastic IP here.
     */
    boolean outbound(Tables t, int port, int segment, ByteBuf frame) {
        ForwardingState state = t.state;
        int offset = frame.readerIndex();
        int ip = offset + Ethernet.HEADER_LENGTH;
        int eip = state.elasticIpByPrivate(segment, Ipv4.source(frame, ip));
        if (eip == ForwardingState.NONE) {
            return false;
        }
        if (!admitOutbound(t, eip, frame, ip)) {
            drop(t, eip, port, segment, DropReason.CONNECTION_TABLE_FULL, frame);
            return true;
        }
        int destination = Ipv4.destination(frame, ip);
        int egress = outboundEgress(t, destination);
        if (egress == ForwardingState.NONE) {
            drop(t, eip, port, segment, DropReason.NO_ROUTE, frame);
            return true;
        }
        translateOutbound(t, eip, frame, ip, Ipv4.hasPartialL4Checksum(frame, ip), 1, frame.readableBytes());
        if (egress == HAIRPIN) {
            inbound(t, port, PublicAddresses.localElasticIp(state, destination), frame);
        } else {
            setHopMacs(t, frame, offset);
            t.segments[egress].in(frame.readableBytes());
            bridge.forward(t, egress, port, frame);
        }
        return true;
    }

    /**
     * Where the public router sends a packet leaving through an elastic IP, shared by frames and
     * {@link BurstForwarder}: the public segment (the next hop's MAC then in {@link #nextHopMac()}),
     * {@link #HAIRPIN}, or {@link ForwardingState#NONE} when there is no route. Changes nothing.
     */
    int outboundEgress(Tables t, int destination) {
        ForwardingState state = t.state;
        if (PublicAddresses.localElasticIp(state, destination) != ForwardingState.NONE) {
            return HAIRPIN;
        }
        int publicSegment = state.publicSegment();
        long mac = state.route(state.segmentRouter(publicSegment), destination) == publicSegment
                ? state.bindingMac(publicSegment, destination)
                : ForwardingState.NO_MAC;
        if (mac == ForwardingState.NO_MAC) {
            return ForwardingState.NONE;
        }
        nextHopMac = mac;
        return publicSegment;
    }

    long nextHopMac() {
        return nextHopMac;
    }

    /** Records (or refreshes) the outbound flow, once per packet or burst; false when the connection table is full. */
    boolean admitOutbound(Tables t, int eip, ByteBuf frame, int ip) {
        int publicIp = t.state.elasticIps().get(eip).publicIp().bits();
        return flows.touch(ConnectionTable.addresses(publicIp, Ipv4.destination(frame, ip)), outboundFlow(frame, ip));
    }

    /**
     * The elastic IP as source and TTL - 1 (the VPC router and the public router are one hop),
     * counted out at the elastic IP as {@code frames} wire frames of {@code bytes} in all.
     * {@code partialL4}: the L4 checksum is partial (a burst that says NEEDS_CSUM, or a frame that
     * {@link Ipv4#hasPartialL4Checksum}), so it takes the pseudo-header update.
     */
    void translateOutbound(Tables t, int eip, ByteBuf frame, int ip, boolean partialL4, int frames, long bytes) {
        t.elasticIps[eip].out(frames, bytes);
        Ipv4.rewriteAddress(
                frame,
                ip,
                Ipv4.SOURCE_OFFSET,
                t.state.elasticIps().get(eip).publicIp().bits(),
                partialL4);
        Ipv4.decrementTtl(frame, ip);
    }

    /** The public router's hop toward the next hop of the last {@link #outboundEgress} that found one. */
    void setHopMacs(Tables t, ByteBuf frame, int offset) {
        ForwardingState state = t.state;
        Ethernet.setDestination(frame, offset, nextHopMac);
        Ethernet.setSource(frame, offset, state.routerMac(state.segmentRouter(state.publicSegment())));
    }

    /**
     * A frame on the public segment addressed (IPv4 destination) to local elastic IP {@code eip};
     * {@code port} is the local ingress port, or -1 from the underlay.
     */
    void inbound(Tables t, int port, int eip, ByteBuf frame) {
        ForwardingState state = t.state;
        int publicSegment = state.publicSegment();
        int offset = frame.readerIndex();
        int ip = offset + Ethernet.HEADER_LENGTH;
        // frames from the underlay were not checked at a port; a bad checksum would survive the
        // incremental updates below and reach the instance looking forwarded
        if (!Ipv4.isValid(frame, ip) || !Ipv4.verifyChecksum(frame, ip)) {
            drop(t, eip, port, publicSegment, DropReason.MALFORMED, frame);
            return;
        }
        if (Ipv4.ttl(frame, ip) <= 1) {
            drop(t, eip, port, publicSegment, DropReason.TTL_EXCEEDED, frame);
            return;
        }
        int publicIp = Ipv4.destination(frame, ip);
        boolean related = isRelatedError(publicIp, frame, ip);
        if (!related && !state.elasticIpAllowsAll(eip)) {
            DropReason refused = admitInbound(state.elasticIpWhitelist(eip), publicIp, frame, ip, 1);
            if (refused != null) {
                drop(t, eip, port, publicSegment, refused, frame);
                return;
            }
        }
        int segment = state.elasticIpSegment(eip);
        int privateIp = state.elasticIpPrivate(eip);
        long mac = state.bindingMac(segment, privateIp);
        if (mac == ForwardingState.NO_MAC) {
            drop(t, eip, port, publicSegment, DropReason.NO_ROUTE, frame);
            return;
        }
        rewriteAddress(frame, ip, 16, privateIp);
        if (related) {
            IcmpErrors.rewriteQuotedSource(frame, ip, privateIp);
        }
        Ipv4.decrementTtl(frame, ip);
        Ethernet.setDestination(frame, offset, mac);
        Ethernet.setSource(frame, offset, state.routerMac(state.segmentRouter(segment)));
        t.elasticIps[eip].in(frame.readableBytes());
        t.segments[segment].in(frame.readableBytes());
        bridge.forward(t, segment, port, frame);
    }

    /** {@link Forwarding#drop}, counted at the elastic IP too. */
    private void drop(Tables t, int eip, int port, int segment, DropReason reason, ByteBuf frame) {
        t.elasticIps[eip].drop(reason);
        forwarding.drop(t, port, segment, reason, frame);
    }

    /**
     * A merged TCP burst from the underlay (virtio-net header at readerIndex, borrowed; its
     * checksums verified segment by segment by the coalescer) for local elastic IP {@code eip},
     * crossing the inbound side once: connection table and whitelist, the private address as
     * destination (a partial TCP checksum takes the pseudo-header update), TTL - 1, the VPC
     * router's MACs, then one write whole to the instance's burst port. Returns false, having
     * changed and counted nothing, when the per-frame path must answer instead: TTL expiry, no
     * binding, or an instance that is not on a local port taking bursts.
     */
    boolean inboundBurst(Tables t, int eip, ByteBuf headerAndFrame, int frames, long wireBytes) {
        ForwardingState state = t.state;
        int frame = headerAndFrame.readerIndex() + BurstPort.VNET_HEADER_BYTES;
        int ip = frame + Ethernet.HEADER_LENGTH;
        int segment = state.elasticIpSegment(eip);
        long mac = state.bindingMac(segment, state.elasticIpPrivate(eip));
        if (Ipv4.ttl(headerAndFrame, ip) <= 1 || mac == ForwardingState.NO_MAC) {
            return false;
        }
        int entry = state.macEntry(segment, mac);
        if (entry == ForwardingState.NONE || !ForwardingState.isLocalPortEntry(entry)) {
            return false;
        }
        int target = ForwardingState.entryIndex(entry);
        if (!(t.devices[target] instanceof BurstPort device) || !device.writesBursts()) {
            return false;
        }
        int publicIp = Ipv4.destination(headerAndFrame, ip);
        if (!state.elasticIpAllowsAll(eip)) {
            DropReason refused = admitInbound(state.elasticIpWhitelist(eip), publicIp, headerAndFrame, ip, frames);
            if (refused != null) {
                t.elasticIps[eip].drop(refused, frames);
                forwarding.dropBurst(t, -1, state.publicSegment(), refused, frames);
                return true;
            }
        }
        boolean partial = VirtioNetHeader.needsChecksum(headerAndFrame, headerAndFrame.readerIndex());
        Ipv4.rewriteAddress(headerAndFrame, ip, Ipv4.DESTINATION_OFFSET, state.elasticIpPrivate(eip), partial);
        Ipv4.decrementTtl(headerAndFrame, ip);
        Ethernet.setDestination(headerAndFrame, frame, mac);
        Ethernet.setSource(headerAndFrame, frame, state.routerMac(state.segmentRouter(segment)));
        t.elasticIps[eip].in(frames, wireBytes);
        t.segments[segment].in(frames, wireBytes);
        captures.write(t.portCaptures[target], headerAndFrame);
        forwarding.toPortWhole(t, target, device, headerAndFrame, frames, wireBytes);
        return true;
    }

    /** An ICMP error (e.g. port unreachable) about one of the elastic IP's recorded flows: it passes under any policy. */
    private boolean isRelatedError(int publicIp, ByteBuf frame, int ip) {
        if (!IcmpErrors.isError(frame, ip) || IcmpErrors.quotedSource(frame, ip) != publicIp) {
            return false;
        }
        long flow = IcmpErrors.quotedFlow(frame, ip);
        return flow != IcmpErrors.NO_FLOW
                && flows.isReply(ConnectionTable.addresses(publicIp, IcmpErrors.quotedDestination(frame, ip)), flow);
    }

    /**
     * Null when an inbound packet may pass a DENY_ALL or WHITELIST elastic IP: it belongs to a
     * recorded flow, or {@code whitelist} admits it as a new one (then recorded); else the reason.
     * A refusal counts {@code packets} whitelist drops (a burst's wire frames).
     */
    private DropReason admitInbound(int whitelist, int publicIp, ByteBuf frame, int ip, int packets) {
        int remoteIp = Ipv4.source(frame, ip);
        long addresses = ConnectionTable.addresses(publicIp, remoteIp);
        long reply = replyFlow(frame, ip);
        if (flows.isReply(addresses, reply)) {
            return null;
        }
        if (whitelist == ForwardingState.NONE) {
            return DropReason.EIP_INGRESS_DENIED;
        }
        long flow = inboundFlow(frame, ip);
        if (flow != reply && flows.isReply(addresses, flow)) {
            return null; // a further echo request of an admitted ping
        }
        int protocol = Ipv4.protocol(frame, ip);
        if (!whitelists.admit(whitelist, protocol, remoteIp, destinationPort(frame, ip, protocol), packets)) {
            return DropReason.WHITELIST_DENIED;
        }
        return flows.touch(addresses, flow) ? null : DropReason.CONNECTION_TABLE_FULL;
    }

    /**
     * The key of a flow an inbound packet starts, as the instance's replies will touch it: remote
     * port and the instance's port, or the echo id for an echo request.
     */
    private static long inboundFlow(ByteBuf frame, int ip) {
        int protocol = Ipv4.protocol(frame, ip);
        int l4 = ip + Ipv4.headerLength(frame, ip);
        if (protocol == IpProtocol.ICMP_VALUE && hasPorts(frame, ip, protocol, l4)) {
            return ConnectionTable.flow(protocol, 0, Icmp.identifier(frame, l4));
        }
        return replyFlow(frame, ip);
    }

    /** The TCP/UDP destination port a whitelist rule's range is matched against; 0 for other protocols. */
    private static int destinationPort(ByteBuf frame, int ip, int protocol) {
        int l4 = ip + Ipv4.headerLength(frame, ip);
        boolean ported = protocol == IpProtocol.TCP_VALUE || protocol == IpProtocol.UDP_VALUE;
        return ported && hasPorts(frame, ip, protocol, l4) ? frame.getUnsignedShort(l4 + 2) : 0;
    }

    /** The key of an outbound packet's flow: remote port and the instance's port (ICMP: echo id). */
    private static long outboundFlow(ByteBuf frame, int ip) {
        int protocol = Ipv4.protocol(frame, ip);
        int l4 = ip + Ipv4.headerLength(frame, ip);
        if (!hasPorts(frame, ip, protocol, l4)) {
            return ConnectionTable.flow(protocol, 0, 0);
        }
        if (protocol == IpProtocol.ICMP_VALUE) {
            return ConnectionTable.flow(protocol, 0, Icmp.identifier(frame, l4));
        }
        return ConnectionTable.flow(protocol, frame.getUnsignedShort(l4 + 2), frame.getUnsignedShort(l4));
    }

    /**
     * The key an inbound packet must match to be a reply. An echo request never matches: only
     * echo replies answer the instance's pings.
     */
    private static long replyFlow(ByteBuf frame, int ip) {
        int protocol = Ipv4.protocol(frame, ip);
        int l4 = ip + Ipv4.headerLength(frame, ip);
        if (!hasPorts(frame, ip, protocol, l4)) {
            return ConnectionTable.flow(protocol, 0, 0);
        }
        if (protocol == IpProtocol.ICMP_VALUE) {
            return Icmp.type(frame, l4) == IcmpType.ECHO_REPLY_VALUE
                    ? ConnectionTable.flow(protocol, 0, Icmp.identifier(frame, l4))
                    : -1L;
        }
        return ConnectionTable.flow(protocol, frame.getUnsignedShort(l4), frame.getUnsignedShort(l4 + 2));
    }

    /** TCP and UDP with their ports, ICMP echo with its id, in a first (or only) fragment. */
    private static boolean hasPorts(ByteBuf frame, int ip, int protocol, int l4) {
        if ((Ipv4.flagsAndFragment(frame, ip) & Ipv4.FRAGMENT_OFFSET_MASK) != 0) {
            return false;
        }
        int available = ip + Ipv4.totalLength(frame, ip) - l4;
        return switch (protocol) {
            case IpProtocol.TCP_VALUE, IpProtocol.UDP_VALUE -> available >= 4;
            case IpProtocol.ICMP_VALUE -> available >= Icmp.HEADER_LENGTH && isEcho(Icmp.type(frame, l4));
            default -> false;
        };
    }

    private static boolean isEcho(int type) {
        return type == IcmpType.ECHO_REQUEST_VALUE || type == IcmpType.ECHO_REPLY_VALUE;
    }

    /**
     * {@link Ipv4#rewriteAddress} of one frame (no virtio-net header says how its L4 checksum is):
     * a partial checksum, which a kernel sender with checksum offload leaves, takes the
     * pseudo-header rule as a burst's does ({@link Ipv4#hasPartialL4Checksum}).
     */
    static void rewriteAddress(ByteBuf frame, int ip, int field, int address) {
        Ipv4.rewriteAddress(frame, ip, field, address, Ipv4.hasPartialL4Checksum(frame, ip));
    }

    int connections() {
        return flows.size();
    }
}
