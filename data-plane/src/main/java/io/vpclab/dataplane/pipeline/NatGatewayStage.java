package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Packets;
import io.vpclab.dataplane.packet.Tcp;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.port.BurstPort;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import io.vpclab.dataplane.table.EgressPolicy;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.NatGateway;
import java.util.List;

/**
 * Stage 6b ({@link PublicAddresses}), the NAT gateway, on the host it is placed on (centralised, like a real one).
 *
 * <p>Private side: a packet routed to the gateway's port (an associated subnet's default route)
 * from an associated subnet is matched to its session, or starts one with a public port free for
 * its destination; it leaves with the gateway's public address and port as source, routed by the
 * public router onto the provider segment (one routed hop, TTL - 1).
 *
 * <p>Public side: a packet for the gateway's public address must answer a live session (TCP and
 * UDP by ports, ICMP echo replies by identifier); it gets the private address and port back and
 * is routed by the VPC's router to the instance. An ICMP error quoting a packet of a live session
 * is translated back, quoted packet included. Anything else is unsolicited and dropped.
 *
 * <p>Sessions ({@link NatSessions}) are kept per gateway id across table installs and shared by
 * every event loop of the VTEP ({@link SharedFlowState}).
 */
final class NatGatewayStage {

    private static final int TCP_FLAGS = 13;
    private static final int ICMP_CHECKSUM = 2;
    private static final int ICMP_IDENTIFIER = 4;

    private final Forwarding forwarding;
    private final L2Forwarder bridge;
    private final ElasticIpNat elasticIps;
    private final WhitelistFilter whitelists;
    private final SegmentCapture captures = new SegmentCapture();
    private final SharedFlowState shared;
    /** What the last {@link #privateBurstEgress} found, for {@link #translatePrivateBurst} (loop-confined). */
    private int burstSession;

    private long nextHopMac;

    NatGatewayStage(
            Forwarding forwarding,
            L2Forwarder bridge,
            ElasticIpNat elasticIps,
            WhitelistFilter whitelists,
            SharedFlowState shared) {
        this.forwarding = forwarding;
        this.whitelists = whitelists;
        this.bridge = bridge;
        this.elasticIps = elasticIps;
        this.shared = shared;
    }

    /** The session tables of {@code state}'s gateways, shared by every loop of the VTEP ({@link SharedFlowState}). */
    NatSessions[] install(ForwardingState state) {
        return shared.install(state);
    }

    List<NatGatewaySnapshot> snapshots(int listedSessions) {
        return shared.snapshots(listedSessions);
    }

    /** A frame delivered to the private port {@code port} of gateway {@code nat}. Takes ownership. */
    void fromPrivate(Tables t, int port, int nat, ByteBuf frame) {
        ForwardingState state = t.state;
        NatSessions sessions = t.natSessions[nat];
        int segment = state.portSegment(port);
        int length = frame.readableBytes();
        t.ports[port].out(length);
        t.segments[segment].out(length);
        int offset = frame.readerIndex();
        int ip = offset + Ethernet.HEADER_LENGTH;
        if (Ethernet.etherType(frame, offset) != EtherType.IPV4_VALUE || !Ipv4.isValid(frame, ip)) {
            drop(t, sessions, port, segment, DropReason.NAT_UNSUPPORTED, frame);
            return;
        }
        if (!Ipv4.verifyChecksum(
                frame, ip)) { // from the underlay nothing checked it; incremental updates would hide it
            drop(t, sessions, port, segment, DropReason.MALFORMED, frame);
            return;
        }
        NatGateway gateway = state.natGateways().get(nat);
        int source = Ipv4.source(frame, ip);
        if (!gateway.serves(source)) {
            drop(t, sessions, port, segment, DropReason.NAT_SOURCE_REFUSED, frame);
            return;
        }
        if (Ipv4.ttl(frame, ip) <= 1) {
            timeExceeded(t, sessions, port, segment, nat, frame);
            return;
        }
        int protocol = Ipv4.protocol(frame, ip);
        int l4 = ip + Ipv4.headerLength(frame, ip);
        if (!translatable(frame, ip, protocol, l4, IcmpType.ECHO_REQUEST_VALUE)) {
            drop(t, sessions, port, segment, DropReason.NAT_UNSUPPORTED, frame);
            return;
        }
        boolean icmp = protocol == IpProtocol.ICMP_VALUE;
        int privatePort = icmp ? Icmp.identifier(frame, l4) : frame.getUnsignedShort(l4);
        int remotePort = icmp ? 0 : frame.getUnsignedShort(l4 + 2);
        int destination = Ipv4.destination(frame, ip);
        long now = sessions.now();
        int session = sessions.findOutbound(protocol, source, privatePort, destination, remotePort, now);
        if (session < 0) {
            if (!egressAllowed(state, nat, protocol, destination, remotePort)) {
                drop(t, sessions, port, segment, DropReason.NAT_EGRESS_DENIED, frame);
                return;
            }
            session = sessions.create(protocol, source, privatePort, destination, remotePort, now);
            if (session == NatSessions.TABLE_FULL) {
                drop(t, sessions, port, segment, DropReason.NAT_TABLE_FULL, frame);
                return;
            }
            if (session == NatSessions.NO_PORT) {
                drop(t, sessions, port, segment, DropReason.ERROR_PORT_ALLOCATION, frame);
                return;
            }
        }
        sessions.outbound(session, length, tcpFlags(frame, protocol, l4), now);
        boolean partial = Ipv4.hasPartialL4Checksum(frame, ip);
        Ipv4.rewriteAddress(frame, ip, Ipv4.SOURCE_OFFSET, sessions.publicIp(), partial);
        rewritePort(frame, protocol, l4, icmp ? ICMP_IDENTIFIER : 0, sessions.publicPort(session), partial);
        Ipv4.decrementTtl(frame, ip);
        toInternet(t, sessions, port, segment, destination, frame);
    }

    /**
     * A frame on the provider segment whose IPv4 destination is gateway {@code nat}'s public
     * address; {@code port} is the local ingress port, or -1 from the underlay. Takes ownership.
     */
    void fromPublic(Tables t, int port, int nat, ByteBuf frame) {
        ForwardingState state = t.state;
        NatSessions sessions = t.natSessions[nat];
        int publicSegment = state.publicSegment();
        int offset = frame.readerIndex();
        int ip = offset + Ethernet.HEADER_LENGTH;
        // frames from the underlay were not checked at a port
        if (!Ipv4.isValid(frame, ip) || !Ipv4.verifyChecksum(frame, ip)) {
            drop(t, sessions, port, publicSegment, DropReason.MALFORMED, frame);
            return;
        }
        if (Ipv4.ttl(frame, ip) <= 1) {
            drop(t, sessions, port, publicSegment, DropReason.TTL_EXCEEDED, frame);
            return;
        }
        int protocol = Ipv4.protocol(frame, ip);
        int l4 = ip + Ipv4.headerLength(frame, ip);
        if (IcmpErrors.isError(frame, ip)) {
            relatedError(t, port, nat, frame);
            return;
        }
        if (!translatable(frame, ip, protocol, l4, IcmpType.ECHO_REPLY_VALUE)) {
            drop(t, sessions, port, publicSegment, DropReason.NAT_UNSOLICITED, frame);
            return;
        }
        boolean icmp = protocol == IpProtocol.ICMP_VALUE;
        int toPort = icmp ? Icmp.identifier(frame, l4) : frame.getUnsignedShort(l4 + 2);
        int remotePort = icmp ? 0 : frame.getUnsignedShort(l4);
        long now = sessions.now();
        int session = sessions.findInbound(protocol, toPort, Ipv4.source(frame, ip), remotePort, now);
        if (session < 0) {
            DropReason reason =
                    session == NatSessions.EXPIRED ? DropReason.NAT_SESSION_EXPIRED : DropReason.NAT_UNSOLICITED;
            drop(t, sessions, port, publicSegment, reason, frame);
            return;
        }
        int gatewaySegment = state.portSegment(state.natGatewayPort(nat));
        int router = state.segmentRouter(gatewaySegment);
        int privateIp = sessions.privateIp(session);
        int egress = state.route(router, privateIp);
        long mac = egress == ForwardingState.NONE ? ForwardingState.NO_MAC : state.bindingMac(egress, privateIp);
        if (mac == ForwardingState.NO_MAC) {
            drop(t, sessions, port, publicSegment, DropReason.NO_ROUTE, frame);
            return;
        }
        sessions.inbound(session, frame.readableBytes(), tcpFlags(frame, protocol, l4), now);
        boolean partial = Ipv4.hasPartialL4Checksum(frame, ip);
        Ipv4.rewriteAddress(frame, ip, Ipv4.DESTINATION_OFFSET, privateIp, partial);
        rewritePort(frame, protocol, l4, icmp ? ICMP_IDENTIFIER : 2, sessions.privatePort(session), partial);
        Ipv4.decrementTtl(frame, ip);
        Ethernet.setDestination(frame, offset, mac);
        Ethernet.setSource(frame, offset, state.routerMac(router));
        t.segments[egress].in(frame.readableBytes());
        bridge.forward(t, egress, port, frame);
    }

    /**
     * The public side for a merged TCP burst from the underlay (virtio-net header at readerIndex,
     * borrowed; every segment's checksums verified by the coalescer), once: the session looked up
     * and refreshed with the burst's flags (the coalescer never merges SYN, FIN or RST), the
     * private address (a partial TCP checksum takes the pseudo-header update) and port (a partial
     * checksum is left alone) as destination, TTL - 1, the VPC router's MACs, then one write whole
     * to the instance's burst port. A burst no live session answers is dropped, counted per wire
     * frame. Returns false, having changed and counted nothing, when the per-frame path must answer:
     * TTL expiry, no route, or an instance that is not on a local port taking bursts.
     */
    boolean fromPublicBurst(Tables t, int nat, ByteBuf headerAndFrame, int frames, long wireBytes) {
        ForwardingState state = t.state;
        NatSessions sessions = t.natSessions[nat];
        int publicSegment = state.publicSegment();
        int offset = headerAndFrame.readerIndex() + BurstPort.VNET_HEADER_BYTES;
        int ip = offset + Ethernet.HEADER_LENGTH;
        if (Ipv4.ttl(headerAndFrame, ip) <= 1) {
            return false;
        }
        int l4 = ip + Ipv4.headerLength(headerAndFrame, ip);
        long now = sessions.now();
        int session = sessions.findInbound(
                IpProtocol.TCP_VALUE,
                headerAndFrame.getUnsignedShort(l4 + 2),
                Ipv4.source(headerAndFrame, ip),
                headerAndFrame.getUnsignedShort(l4),
                now);
        if (session < 0) {
            DropReason reason =
                    session == NatSessions.EXPIRED ? DropReason.NAT_SESSION_EXPIRED : DropReason.NAT_UNSOLICITED;
            sessions.drop(reason, frames);
            forwarding.dropBurst(t, -1, publicSegment, reason, frames);
            return true;
        }
        int router = state.segmentRouter(state.portSegment(state.natGatewayPort(nat)));
        int privateIp = sessions.privateIp(session);
        int egress = state.route(router, privateIp);
        long mac = egress == ForwardingState.NONE ? ForwardingState.NO_MAC : state.bindingMac(egress, privateIp);
        int entry = mac == ForwardingState.NO_MAC ? ForwardingState.NONE : state.macEntry(egress, mac);
        if (entry == ForwardingState.NONE || !ForwardingState.isLocalPortEntry(entry)) {
            return false;
        }
        int target = ForwardingState.entryIndex(entry);
        if (!(t.devices[target] instanceof BurstPort device) || !device.writesBursts()) {
            return false;
        }
        boolean partial = VirtioNetHeader.needsChecksum(headerAndFrame, headerAndFrame.readerIndex());
        sessions.inbound(session, frames, wireBytes, tcpFlags(headerAndFrame, IpProtocol.TCP_VALUE, l4), now);
        Ipv4.rewriteAddress(headerAndFrame, ip, Ipv4.DESTINATION_OFFSET, privateIp, partial);
        rewritePort(headerAndFrame, IpProtocol.TCP_VALUE, l4, 2, sessions.privatePort(session), partial);
        Ipv4.decrementTtl(headerAndFrame, ip);
        Ethernet.setDestination(headerAndFrame, offset, mac);
        Ethernet.setSource(headerAndFrame, offset, state.routerMac(router));
        t.segments[egress].in(frames, wireBytes);
        captures.write(t.portCaptures[target], headerAndFrame);
        forwarding.toPortWhole(t, target, device, headerAndFrame, frames, wireBytes);
        return true;
    }

    /**
     * An ICMP error (unreachable, time exceeded) quoting a packet the gateway sent: the session is
     * found from the quoted packet (public port, remote address and port), and both the outer
     * destination and the quoted source (address and port) are translated back (RFC 5508 s7), so
     * the instance sees the error about its own packet. Errors about no live session are unsolicited.
     */
    private void relatedError(Tables t, int port, int nat, ByteBuf frame) {
        ForwardingState state = t.state;
        NatSessions sessions = t.natSessions[nat];
        int publicSegment = state.publicSegment();
        int offset = frame.readerIndex();
        int ip = offset + Ethernet.HEADER_LENGTH;
        int quoted = Icmp.quotedPacket(ip + Ipv4.headerLength(frame, ip));
        int quotedL4 = quoted + Ipv4.headerLength(frame, quoted);
        int protocol = Ipv4.protocol(frame, quoted);
        boolean icmp = protocol == IpProtocol.ICMP_VALUE;
        int session = NatSessions.NOT_FOUND;
        if (Ipv4.source(frame, quoted) == sessions.publicIp()
                && (Ipv4.flagsAndFragment(frame, quoted) & Ipv4.FRAGMENT_OFFSET_MASK) == 0
                && (protocol == IpProtocol.TCP_VALUE
                        || protocol == IpProtocol.UDP_VALUE
                        || icmp && Icmp.type(frame, quotedL4) == IcmpType.ECHO_REQUEST_VALUE)) {
            int publicPort = icmp ? Icmp.identifier(frame, quotedL4) : frame.getUnsignedShort(quotedL4);
            int remotePort = icmp ? 0 : frame.getUnsignedShort(quotedL4 + 2);
            session = sessions.findInbound(
                    protocol, publicPort, Ipv4.destination(frame, quoted), remotePort, sessions.now());
        }
        if (session < 0) {
            drop(t, sessions, port, publicSegment, DropReason.NAT_UNSOLICITED, frame);
            return;
        }
        int gatewaySegment = state.portSegment(state.natGatewayPort(nat));
        int router = state.segmentRouter(gatewaySegment);
        int privateIp = sessions.privateIp(session);
        int egress = state.route(router, privateIp);
        long mac = egress == ForwardingState.NONE ? ForwardingState.NO_MAC : state.bindingMac(egress, privateIp);
        if (mac == ForwardingState.NO_MAC) {
            drop(t, sessions, port, publicSegment, DropReason.NO_ROUTE, frame);
            return;
        }
        sessions.related(frame.readableBytes());
        // the quoted port first (its UDP or ICMP checksum), then the quoted address, which also
        // recomputes the ICMP checksum over the whole message
        rewritePort(frame, protocol, quotedL4, icmp ? ICMP_IDENTIFIER : 0, sessions.privatePort(session));
        IcmpErrors.rewriteQuotedSource(frame, ip, privateIp);
        ElasticIpNat.rewriteAddress(frame, ip, 16, privateIp);
        Ipv4.decrementTtl(frame, ip);
        Ethernet.setDestination(frame, offset, mac);
        Ethernet.setSource(frame, offset, state.routerMac(router));
        t.segments[egress].in(frame.readableBytes());
        bridge.forward(t, egress, port, frame);
    }

    /**
     * TTL ran out at the gateway: ICMP time exceeded (RFC 792) from the gateway's private address,
     * routed back to the sender, so traceroute shows the gateway as the hop after the VPC router.
     * ICMP errors are never answered with another (RFC 1812 s4.3.2.7).
     */
    private void timeExceeded(Tables t, NatSessions sessions, int port, int segment, int nat, ByteBuf frame) {
        ForwardingState state = t.state;
        int ip = frame.readerIndex() + Ethernet.HEADER_LENGTH;
        int source = Ipv4.source(frame, ip);
        int router = state.segmentRouter(segment);
        int egress = state.route(router, source);
        long mac = egress == ForwardingState.NONE ? ForwardingState.NO_MAC : state.bindingMac(egress, source);
        if (mac == ForwardingState.NO_MAC || !IcmpErrors.mayAnswer(frame, ip)) {
            drop(t, sessions, port, segment, DropReason.TTL_EXCEEDED, frame);
            return;
        }
        int natIp = t.portIps[state.natGatewayPort(nat)];
        ByteBuf reply = IcmpErrors.build(
                frame, mac, state.routerMac(router), natIp, IcmpType.TIME_EXCEEDED_VALUE, Icmp.CODE_TTL_EXCEEDED, 0);
        drop(t, sessions, port, segment, DropReason.TTL_EXCEEDED, frame);
        t.segments[egress].in(reply.readableBytes());
        bridge.forward(t, egress, port, reply);
    }

    /** Routes a translated packet by the public router onto the provider segment (or to a local elastic IP). */
    private void toInternet(Tables t, NatSessions sessions, int port, int segment, int destination, ByteBuf frame) {
        ForwardingState state = t.state;
        int publicSegment = state.publicSegment();
        int publicRouter = state.segmentRouter(publicSegment);
        int localElasticIp = PublicAddresses.localElasticIp(state, destination);
        if (localElasticIp != ForwardingState.NONE) { // hairpin: an elastic IP held on this host
            elasticIps.inbound(t, port, localElasticIp, frame);
            return;
        }
        long mac = state.route(publicRouter, destination) == publicSegment
                ? state.bindingMac(publicSegment, destination)
                : ForwardingState.NO_MAC;
        if (mac == ForwardingState.NO_MAC) {
            drop(t, sessions, port, segment, DropReason.NO_ROUTE, frame);
            return;
        }
        int offset = frame.readerIndex();
        Ethernet.setDestination(frame, offset, mac);
        Ethernet.setSource(frame, offset, state.routerMac(publicRouter));
        t.segments[publicSegment].in(frame.readableBytes());
        bridge.forward(t, publicSegment, port, frame);
    }

    /**
     * The private side for a TCP or UDP burst ({@link BurstForwarder}), decided once and changing nothing:
     * the public segment, with the next hop's MAC in {@link #nextHopMac()}, when gateway {@code nat}
     * serves the source, {@code ttl} (as the packet reaches the gateway) allows one more hop, the
     * flow has a live session (a new one starts with a SYN, or the first datagram of a UDP flow,
     * which goes the per-frame way and opens it) and the public
     * router has a next hop that is not an elastic IP of this host; else {@link ForwardingState#NONE}
     * and the frames go the per-frame way.
     */
    int privateBurstEgress(Tables t, int nat, ByteBuf frame, int ip, int ttl) {
        ForwardingState state = t.state;
        NatSessions sessions = t.natSessions[nat];
        int source = Ipv4.source(frame, ip);
        int destination = Ipv4.destination(frame, ip);
        if (ttl <= 1
                || !state.natGateways().get(nat).serves(source)
                || !Ipv4.verifyChecksum(frame, ip)
                || PublicAddresses.localElasticIp(state, destination) != ForwardingState.NONE) {
            return ForwardingState.NONE;
        }
        int l4 = ip + Ipv4.headerLength(frame, ip);
        int session = sessions.findOutbound(
                Ipv4.protocol(frame, ip),
                source,
                frame.getUnsignedShort(l4),
                destination,
                frame.getUnsignedShort(l4 + 2),
                sessions.now());
        int publicSegment = state.publicSegment();
        long mac = state.route(state.segmentRouter(publicSegment), destination) == publicSegment
                ? state.bindingMac(publicSegment, destination)
                : ForwardingState.NO_MAC;
        if (session < 0 || mac == ForwardingState.NO_MAC) {
            return ForwardingState.NONE;
        }
        burstSession = session;
        nextHopMac = mac;
        return publicSegment;
    }

    long nextHopMac() {
        return nextHopMac;
    }

    /**
     * Translates the burst {@link #privateBurstEgress} accepted, once: counted out at the gateway's
     * port as its {@code frames} wire frames, the session refreshed (its TCP flags are the burst's:
     * FIN and RST sit on its last segment; a UDP burst has none), the public address and port as
     * source (a partial TCP or UDP checksum takes the pseudo-header update for the address and nothing for the port), TTL - 1
     * and the public router's MACs.
     */
    void translatePrivateBurst(
            Tables t, int nat, ByteBuf frame, int offset, int frames, long bytes, boolean partialL4) {
        ForwardingState state = t.state;
        NatSessions sessions = t.natSessions[nat];
        int natPort = state.natGatewayPort(nat);
        int natSegment = state.portSegment(natPort);
        t.ports[natPort].out(frames, bytes);
        t.segments[natSegment].out(frames, bytes);
        int ip = offset + Ethernet.HEADER_LENGTH;
        int l4 = ip + Ipv4.headerLength(frame, ip);
        int protocol = Ipv4.protocol(frame, ip);
        sessions.outbound(burstSession, frames, bytes, tcpFlags(frame, protocol, l4), sessions.now());
        Ipv4.rewriteAddress(frame, ip, Ipv4.SOURCE_OFFSET, sessions.publicIp(), partialL4);
        rewritePort(frame, protocol, l4, 0, sessions.publicPort(burstSession), partialL4);
        Ipv4.decrementTtl(frame, ip);
        Ethernet.setDestination(frame, offset, nextHopMac);
        Ethernet.setSource(frame, offset, state.routerMac(state.segmentRouter(state.publicSegment())));
        t.segments[state.publicSegment()].in(frames, bytes);
    }

    /**
     * Whether a new flow may leave: always under ALLOW_ALL; under WHITELIST when the gateway's
     * whitelist admits it (counting the rule's hit or the whitelist's drop), and never when the
     * table names no whitelist (fail closed). Packets of existing sessions are not asked.
     */
    private boolean egressAllowed(ForwardingState state, int nat, int protocol, int destination, int destinationPort) {
        if (state.natGateways().get(nat).egress() == EgressPolicy.ALLOW_ALL) {
            return true;
        }
        int whitelist = state.natGatewayWhitelist(nat);
        return whitelist != ForwardingState.NONE && whitelists.admit(whitelist, protocol, destination, destinationPort);
    }

    /** TCP or UDP with both ports, or an ICMP echo of {@code echoType} with its identifier, in a first fragment. */
    private static boolean translatable(ByteBuf frame, int ip, int protocol, int l4, int echoType) {
        if ((Ipv4.flagsAndFragment(frame, ip) & (Ipv4.FRAGMENT_OFFSET_MASK | Ipv4.FLAG_MORE_FRAGMENTS)) != 0) {
            return false; // a fragment's ports cannot be rewritten without reassembly
        }
        int available = ip + Ipv4.totalLength(frame, ip) - l4;
        return switch (protocol) {
            case IpProtocol.TCP_VALUE -> available >= Tcp.MIN_HEADER_LENGTH;
            case IpProtocol.UDP_VALUE -> available >= Udp.HEADER_LENGTH;
            case IpProtocol.ICMP_VALUE -> available >= Icmp.HEADER_LENGTH && Icmp.type(frame, l4) == echoType;
            default -> false;
        };
    }

    private static int tcpFlags(ByteBuf frame, int protocol, int l4) {
        return protocol == IpProtocol.TCP_VALUE ? frame.getUnsignedByte(l4 + TCP_FLAGS) : 0;
    }

    private static void rewritePort(ByteBuf frame, int protocol, int l4, int field, int port) {
        rewritePort(frame, protocol, l4, field, port, false);
    }

    /**
     * Replaces the 16-bit port (or ICMP identifier) at {@code l4 + field} and patches the L4
     * checksum incrementally (RFC 1624); a UDP checksum of 0 means none and stays 0. A partial
     * TCP or UDP checksum ({@code partialL4}) is left alone: the port lies in the range the
     * finisher sums, only the pseudo-header is pre-summed in the field.
     */
    private static void rewritePort(ByteBuf frame, int protocol, int l4, int field, int port, boolean partialL4) {
        int old = frame.getUnsignedShort(l4 + field);
        if (old == port) {
            return;
        }
        frame.setShort(l4 + field, port);
        if (partialL4 && protocol != IpProtocol.ICMP_VALUE) {
            return;
        }
        switch (protocol) {
            case IpProtocol.TCP_VALUE ->
                frame.setShort(
                        l4 + Tcp.CHECKSUM_OFFSET,
                        Packets.adjustChecksum(frame.getUnsignedShort(l4 + Tcp.CHECKSUM_OFFSET), old, port));
            case IpProtocol.UDP_VALUE -> {
                int checksum = frame.getUnsignedShort(l4 + Udp.CHECKSUM_OFFSET);
                if (checksum != 0) {
                    int adjusted = Packets.adjustChecksum(checksum, old, port);
                    frame.setShort(l4 + Udp.CHECKSUM_OFFSET, adjusted == 0 ? 0xFFFF : adjusted);
                }
            }
            default ->
                frame.setShort(
                        l4 + ICMP_CHECKSUM,
                        Packets.adjustChecksum(frame.getUnsignedShort(l4 + ICMP_CHECKSUM), old, port));
        }
    }

    private void drop(Tables t, NatSessions sessions, int port, int segment, DropReason reason, ByteBuf frame) {
        sessions.drop(reason);
        forwarding.drop(t, port, segment, reason, frame);
    }
}
