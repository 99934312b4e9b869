package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.port.BurstPort;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.RouteDecision;
import io.vpclab.net.MacAddress;

/**
 * Stage 6, public addresses: the one place that answers "which elastic IP or NAT gateway held
 * here owns this address", and hands the packet to it: 6a {@link ElasticIpNat} or 6b
 * {@link NatGatewayStage}. Called explicitly: by {@link L3Router} (an instance leaving through its
 * elastic IP, a packet routed to a NAT gateway's private port here, a packet routed onto the public
 * segment to a public address held here), by {@link LocalDelivery} (a frame from the underlay for
 * a public address or a NAT gateway's private port held here), and by {@link L2Forwarder} for a
 * frame bridged to a NAT gateway's private port. A NAT gateway's port has no device: this stage
 * serves it, so {@link Forwarding#toPort} only ever delivers to devices.
 */
final class PublicAddresses {

    private final Forwarding forwarding;
    private final ElasticIpNat elasticIps;
    private final NatGatewayStage natGateways;

    PublicAddresses(Forwarding forwarding, ElasticIpNat elasticIps, NatGatewayStage natGateways) {
        this.forwarding = forwarding;
        this.elasticIps = elasticIps;
        this.natGateways = natGateways;
    }

    /** Whether {@code destination} on {@code segment} is an elastic IP or NAT gateway address held here. */
    static boolean isHeld(ForwardingState state, int segment, int destination) {
        return RouteDecision.isHeld(state, segment, destination);
    }

    /**
     * The elastic IP held here whose public address is {@code destination}, or
     * {@link ForwardingState#NONE}: also the hairpin question of the NAT stages, whose translated
     * packets for a local elastic IP go straight to its inbound side.
     */
    static int localElasticIp(ForwardingState state, int destination) {
        return state.elasticIpByPublic(destination);
    }

    /**
     * The NAT gateway whose private port is the local port of MAC table entry {@code entry}, or
     * {@link ForwardingState#NONE} when the entry is not such a port (a remote VTEP, or a port with a device).
     */
    static int natGatewayBehind(Tables t, int entry) {
        if (entry == ForwardingState.NONE || !ForwardingState.isLocalPortEntry(entry)) {
            return ForwardingState.NONE;
        }
        int port = ForwardingState.entryIndex(entry);
        return t.devices[port] == null ? t.state.natGatewayOfPort(port) : ForwardingState.NONE;
    }

    /** A routed packet with no VPC route from an instance with an elastic IP ({@link L3Router#VIA_ELASTIC_IP}). Takes ownership. */
    void viaElasticIp(Tables t, int port, int segment, ByteBuf frame) {
        forwarding.forgetFlowHash(); // NAT rewrites the 5-tuple
        elasticIps.outbound(t, port, segment, frame);
    }

    /**
     * A packet routed onto the public segment to a public address held here ({@link #isHeld});
     * {@code port} is the local ingress port, or -1. Takes ownership.
     */
    void toPublicAddress(Tables t, int port, int destination, ByteBuf frame) {
        forwarding.forgetFlowHash(); // NAT rewrites the 5-tuple
        int eip = localElasticIp(t.state, destination);
        if (eip != ForwardingState.NONE) {
            elasticIps.inbound(t, port, eip, frame);
        } else {
            natGateways.fromPublic(t, port, t.state.natGatewayByPublic(destination), frame);
        }
    }

    /**
     * A unicast frame from the underlay on {@code segment}: true (frame taken) when it is an IPv4
     * packet for a public address held here, whatever its destination MAC (the instance's or the
     * gateway port's); false, frame untouched, otherwise.
     */
    boolean fromUnderlay(Tables t, int segment, ByteBuf frame) {
        int offset = frame.readerIndex();
        int ip = offset + Ethernet.HEADER_LENGTH;
        if (segment != t.state.publicSegment()
                || Ethernet.etherType(frame, offset) != EtherType.IPV4_VALUE
                || !Ipv4.isValid(frame, ip)) {
            return false;
        }
        int destination = Ipv4.destination(frame, ip);
        if (!isHeld(t.state, segment, destination)) {
            return false;
        }
        toPublicAddress(t, -1, destination, frame);
        return true;
    }

    /**
     * Whether a frame from the underlay may join a receive burst ({@link UnderlayBursts}): unicast
     * TCP/IPv4 on the public segment for an elastic IP or NAT gateway held here, whose inbound and
     * public sides take bursts whole ({@link ElasticIpNat#inboundBurst},
     * {@link NatGatewayStage#fromPublicBurst}).
     */
    static boolean takesBursts(Tables t, int segment, ByteBuf frame) {
        int offset = frame.readerIndex();
        int ip = offset + Ethernet.HEADER_LENGTH;
        return segment == t.state.publicSegment()
                && frame.readableBytes() > Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH
                && !MacAddress.isMulticast(Ethernet.destination(frame, offset))
                && Ethernet.etherType(frame, offset) == EtherType.IPV4_VALUE
                && Ipv4.isValid(frame, ip)
                && Ipv4.protocol(frame, ip) == IpProtocol.TCP_VALUE
                && isHeld(t.state, segment, Ipv4.destination(frame, ip));
    }

    /**
     * A merged burst from the underlay (virtio-net header first, borrowed) whose segments
     * {@link #takesBursts} admitted: true when its public address took it whole; false, nothing
     * changed or counted, when it must go as frames.
     */
    boolean fromUnderlayBurst(Tables t, ByteBuf headerAndFrame, int frames, long wireBytes) {
        int ip = headerAndFrame.readerIndex() + BurstPort.VNET_HEADER_BYTES + Ethernet.HEADER_LENGTH;
        int destination = Ipv4.destination(headerAndFrame, ip);
        int eip = localElasticIp(t.state, destination);
        if (eip != ForwardingState.NONE) {
            return elasticIps.inboundBurst(t, eip, headerAndFrame, frames, wireBytes);
        }
        int nat = t.state.natGatewayByPublic(destination);
        return nat != ForwardingState.NONE && natGateways.fromPublicBurst(t, nat, headerAndFrame, frames, wireBytes);
    }

    /** A frame for the private port {@code port} of NAT gateway {@code nat} ({@link #natGatewayBehind}). Takes ownership. */
    void toNatGateway(Tables t, int port, int nat, ByteBuf frame) {
        forwarding.forgetFlowHash(); // NAT rewrites the 5-tuple
        natGateways.fromPrivate(t, port, nat, frame);
    }
}
