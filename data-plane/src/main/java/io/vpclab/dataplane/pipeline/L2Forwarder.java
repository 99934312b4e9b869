package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.net.MacAddress;

/**
 * Stage 7, L2 lookup and flood: a unicast destination is a local port or a remote VTEP from the
 * segment's static MAC table (unknown unicast is dropped: the control plane knows every MAC; on
 * a segment the table gives a learning peer, see {@link ForwardingState#learningPeer}, as in the
 * point-to-point mode, it goes to that peer). A
 * group destination floods: a copy to every other local port of the segment and head-end
 * replication to each VTEP of the flood list.
 */
final class L2Forwarder {

    private final Forwarding forwarding;
    private final VxlanEncapsulator encapsulator;
    /** Set by the pipeline once the NAT stages, which forward through this one, exist. */
    PublicAddresses publicAddresses;

    L2Forwarder(Forwarding forwarding, VxlanEncapsulator encapsulator) {
        this.forwarding = forwarding;
        this.encapsulator = encapsulator;
    }

    /** Forwards a frame that entered {@code segment} from local port {@code ingressPort}. */
    void forward(Tables t, int segment, int ingressPort, ByteBuf frame) {
        long destination = Ethernet.destination(frame, frame.readerIndex());
        if (MacAddress.isMulticast(destination)) {
            flood(t, segment, ingressPort, frame);
            return;
        }
        forwardUnicast(t, segment, ingressPort, t.state.macEntry(segment, destination), frame);
    }

    /**
     * {@link #forward} for a unicast destination whose MAC table {@code entry} on {@code segment}
     * the caller has looked up already (the router has: one probe per routed frame, not two).
     */
    void forwardUnicast(Tables t, int segment, int ingressPort, int entry, ByteBuf frame) {
        if (entry == ForwardingState.NONE) {
            int learningPeer = t.state.learningPeer(segment, ingressPort);
            if (learningPeer != ForwardingState.NONE) {
                encapsulator.encapsulate(t, segment, ingressPort, learningPeer, frame);
            } else {
                forwarding.drop(t, ingressPort, segment, DropReason.UNKNOWN_DESTINATION, frame);
            }
        } else if (ForwardingState.isLocalPortEntry(entry)) {
            int port = ForwardingState.entryIndex(entry);
            int nat = PublicAddresses.natGatewayBehind(t, entry);
            if (port == ingressPort) {
                forwarding.drop(t, ingressPort, segment, DropReason.UNKNOWN_DESTINATION, frame);
            } else if (nat != ForwardingState.NONE) {
                publicAddresses.toNatGateway(t, port, nat, frame);
            } else {
                forwarding.toPort(t, port, frame);
            }
        } else {
            encapsulator.encapsulate(t, segment, ingressPort, ForwardingState.entryIndex(entry), frame);
        }
    }

    private void flood(Tables t, int segment, int ingressPort, ByteBuf frame) {
        t.segments[segment].flood();
        t.host.flood();
        int locals = t.state.localPortCount(segment);
        for (int i = 0; i < locals; i++) {
            int port = t.state.localPort(segment, i);
            if (port != ingressPort && t.devices[port] != null) {
                t.ports[port].broadcastReceived();
                forwarding.toPort(t, port, frame.retainedDuplicate());
            }
        }
        encapsulator.replicate(t, segment, ingressPort, frame);
    }
}
