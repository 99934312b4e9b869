package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.Arp;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;

/**
 * Stage 1, port ingress: anti-spoofing. A port sends only with its own MAC and, when it has an
 * address, its own IPv4 source, in IPv4 headers and in ARP sender fields alike (0.0.0.0 only to a
 * DHCP server); an appliance's port (the next hop of a route table's route) forwards, so its IPv4
 * packets may carry other sources, never its ARP. Access ports
 * carry untagged frames; a trunk port's tagged frames pass untouched. Other EtherTypes (IPv6 neighbour discovery, for example) pass on the
 * MAC check alone. The one port of a segment with a learning peer
 * ({@link ForwardingState#learningPeer}, the point-to-point mode) may send from any MAC, as a
 * Linux vxlan device takes frames from a bridge.
 */
final class PortIngress {

    /** Returns null when the frame may enter, else why it may not. Does not consume the frame. */
    DropReason check(Tables t, int port, ByteBuf frame) {
        int offset = frame.readerIndex();
        if (frame.readableBytes() < Ethernet.HEADER_LENGTH) {
            return DropReason.TRUNCATED;
        }
        long sourceAndType = Ethernet.sourceAndType(frame, offset);
        if (Ethernet.sourceOf(sourceAndType) != t.portMacs[port] && !sendsForAWholeStack(t, port)) {
            return DropReason.SPOOFED_SOURCE;
        }
        int payload = offset + Ethernet.HEADER_LENGTH;
        switch (Ethernet.etherTypeOf(sourceAndType)) {
            case EtherType.VLAN_VALUE:
                return passesVlanTags(t, port) ? null : DropReason.VLAN_TAGGED;
            case EtherType.ARP_VALUE:
                if (!Arp.isEthernetIpv4(frame, payload)) {
                    return DropReason.MALFORMED;
                }
                if (Arp.senderMac(frame, payload) != t.portMacs[port] && !sendsForAWholeStack(t, port)) {
                    return DropReason.SPOOFED_SOURCE;
                }
                int sender = Arp.senderIp(frame, payload);
                // 0.0.0.0 is an address probe (RFC 5227 s2.1.1), which claims nothing.
                if (t.portHasIp[port] && sender != 0 && sender != t.portIps[port]) {
                    return DropReason.SPOOFED_SOURCE;
                }
                return null;
            case EtherType.IPV4_VALUE:
                if (!Ipv4.isValid(frame, payload)) {
                    return DropReason.MALFORMED;
                }
                int source = Ipv4.source(frame, payload);
                // 0.0.0.0 to a DHCP server is a client that has no address yet (RFC 2131 s4.1);
                // an appliance forwards other instances' packets with their sources
                if (t.portHasIp[port]
                        && source != t.portIps[port]
                        && !t.portForwards[port]
                        && !(source == 0 && DhcpResponder.isClientMessage(frame, payload))) {
                    return DropReason.SPOOFED_SOURCE;
                }
                return null;
            default:
                return null;
        }
    }

    /** A trunk port's tagged frames go on untouched ({@link FrameDevice#passesVlanTags}). */
    static boolean passesVlanTags(Tables t, int port) {
        FrameDevice device = t.devices[port];
        return device != null && device.passesVlanTags();
    }

    /** A port whose segment leads only to a learning peer carries a whole stack (a bridge, many MACs). */
    private static boolean sendsForAWholeStack(Tables t, int port) {
        return t.state.learningPeer(t.state.portSegment(port), port) != ForwardingState.NONE;
    }
}
