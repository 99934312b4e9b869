package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.net.MacAddress;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;

/**
 * Receive stage 2, local delivery: a decapsulated frame goes to the local port of its segment
 * that owns the destination MAC, or to every local port of the segment when it is broadcast or
 * multicast; unknown unicast only to the one port of a segment whose only flood target is a
 * learning peer ({@link ForwardingState#soleFloodVtep}: the point-to-point mode, where any MAC
 * may sit behind the port). Frames are never sent back to the underlay (split horizon).
 */
final class LocalDelivery {

    private final Forwarding forwarding;
    private final ElasticIpNat elasticIps;
    private final NatGatewayStage natGateways;

    LocalDelivery(Forwarding forwarding, ElasticIpNat elasticIps, NatGatewayStage natGateways) {
        this.forwarding = forwarding;
        this.elasticIps = elasticIps;
        this.natGateways = natGateways;
    }

    void deliver(Tables t, int segment, ByteBuf frame) {
        long destination = Ethernet.destination(frame, frame.readerIndex());
        if (MacAddress.isMulticast(destination)) {
            int locals = t.state.localPortCount(segment);
            for (int i = 0; i < locals; i++) {
                int port = t.state.localPort(segment, i);
                if (t.devices[port] != null) {
                    forwarding.toPort(t, port, frame.retainedDuplicate());
                }
            }
            frame.release();
            return;
        }
        if (segment == t.state.publicSegment() && toElasticIp(t, frame)) {
            return;
        }
        int entry = t.state.macEntry(segment, destination);
        if (entry == ForwardingState.NONE && t.state.localPortCount(segment) == 1) {
            int only = t.state.localPort(segment, 0);
            if (t.state.soleFloodVtep(segment, only) != ForwardingState.NONE) {
                forwarding.toPort(t, only, frame);   // the learning peer's frame for a MAC behind the port
                return;
            }
        }
        if (entry == ForwardingState.NONE || !ForwardingState.isLocalPortEntry(entry)) {
            forwarding.drop(t, -1, segment, DropReason.NO_LOCAL_PORT, frame);
            return;
        }
        forwarding.toPort(t, ForwardingState.entryIndex(entry), frame);
    }

    /**
     * An IPv4 packet for an elastic IP or a NAT gateway held here goes to its NAT stage (the MAC
     * is the instance's or the gateway port's).
     */
    private boolean toElasticIp(Tables t, ByteBuf frame) {
        int offset = frame.readerIndex();
        int ip = offset + Ethernet.HEADER_LENGTH;
        if (Ethernet.etherType(frame, offset) != EtherType.IPV4_VALUE || !Ipv4.isValid(frame, ip)) {
            return false;
        }
        int destination = Ipv4.destination(frame, ip);
        int eip = t.state.elasticIpByPublic(destination);
        if (eip != ForwardingState.NONE) {
            elasticIps.inbound(t, -1, eip, frame);
            return true;
        }
        int nat = t.state.natGatewayByPublic(destination);
        if (nat != ForwardingState.NONE) {
            natGateways.fromPublic(t, -1, nat, frame);
            return true;
        }
        return false;
    }
}
