package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.net.MacAddress;

/**
 * Stage 10, local delivery: a decapsulated frame goes to the local port of its segment
 * that owns the destination MAC, or to every local port of the segment when it is broadcast or
 * multicast; unknown unicast only to the one port of a segment with a learning peer
 * ({@link ForwardingState#learningPeer}: the point-to-point mode, where any MAC
 * may sit behind the port). 802.1Q-tagged frames reach trunk ports only. Frames are never sent
 * back to the underlay (split horizon).
 */
final class LocalDelivery {

    private final Forwarding forwarding;
    private final PublicAddresses publicAddresses;

    LocalDelivery(Forwarding forwarding, PublicAddresses publicAddresses) {
        this.forwarding = forwarding;
        this.publicAddresses = publicAddresses;
    }

    void deliver(Tables t, int segment, ByteBuf frame) {
        long destination = Ethernet.destination(frame, frame.readerIndex());
        boolean tagged = Ethernet.isTagged(frame, frame.readerIndex());
        if (MacAddress.isMulticast(destination)) {
            int locals = t.state.localPortCount(segment);
            for (int i = 0; i < locals; i++) {
                int port = t.state.localPort(segment, i);
                if (t.devices[port] != null && (!tagged || PortIngress.passesVlanTags(t, port))) {
                    t.ports[port].broadcastReceived();
                    forwarding.toPort(t, port, frame.retainedDuplicate());
                }
            }
            frame.release();
            return;
        }
        boolean plain = t.plainSegment[segment];
        if (!plain && publicAddresses.fromUnderlay(t, segment, frame)) {
            return;
        }
        int entry = t.state.macEntry(segment, destination);
        if (entry == ForwardingState.NONE && !plain && t.state.localPortCount(segment) == 1) {
            int only = t.state.localPort(segment, 0);
            if (t.state.learningPeer(segment, only) != ForwardingState.NONE) {
                toPort(t, segment, only, tagged, frame); // the learning peer's frame for a MAC behind the port
                return;
            }
        }
        if (entry == ForwardingState.NONE || !ForwardingState.isLocalPortEntry(entry)) {
            forwarding.drop(t, -1, segment, DropReason.NO_LOCAL_PORT, frame);
            return;
        }
        if (tagged) {
            toPort(t, segment, ForwardingState.entryIndex(entry), true, frame);
            return;
        }
        int nat = PublicAddresses.natGatewayBehind(t, entry);
        if (nat != ForwardingState.NONE) { // routed to a NAT gateway held here by the sender's host
            publicAddresses.toNatGateway(t, ForwardingState.entryIndex(entry), nat, frame);
            return;
        }
        forwarding.toPort(t, ForwardingState.entryIndex(entry), frame);
    }

    /** A tagged frame goes to trunk ports only ({@link PortIngress#passesVlanTags}); access ports drop it. */
    private void toPort(Tables t, int segment, int port, boolean tagged, ByteBuf frame) {
        if (tagged && !PortIngress.passesVlanTags(t, port)) {
            forwarding.drop(t, port, segment, DropReason.VLAN_TAGGED, frame);
        } else {
            forwarding.toPort(t, port, frame);
        }
    }

    /**
     * A merged TCP burst from the underlay on {@code segment} (virtio-net header first, borrowed),
     * standing for {@code frames} wire frames of {@code wireBytes}: true when it was delivered (or
     * dropped) whole; false, nothing changed or counted, when it must be delivered as frames.
     */
    boolean deliverBurst(Tables t, int segment, ByteBuf headerAndFrame, int frames, long wireBytes) {
        return publicAddresses.fromUnderlayBurst(t, headerAndFrame, frames, wireBytes);
    }
}
