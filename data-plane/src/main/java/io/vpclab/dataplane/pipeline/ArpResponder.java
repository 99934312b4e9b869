package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.Arp;
import io.vpclab.dataplane.packet.ArpOperation;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.table.ForwardingState;

/**
 * Stage 4, ARP responder (ARP suppression): a request is answered here, in place, from the
 * segment's bindings or, for a gateway address, with the router MAC. A request without a binding
 * is dropped and counted, never flooded, except toward a segment's learning peer
 * ({@link ForwardingState#learningPeer}), whose instances the table does not know.
 * On a segment with suppression off ({@link ForwardingState#arpSuppression}) a request for
 * anything but the gateway is bridged as it came (a broadcast floods to every port and VTEP of
 * the segment) and its owner answers; the gateway is the distributed router's, on this host.
 * Replies are bridged like any unicast frame.
 */
final class ArpResponder {

    private final Forwarding forwarding;
    private final L2Forwarder bridge;

    ArpResponder(Forwarding forwarding, L2Forwarder bridge) {
        this.forwarding = forwarding;
        this.bridge = bridge;
    }

    void handle(Tables t, int port, int segment, ByteBuf frame) {
        int offset = frame.readerIndex();
        int arp = offset + Ethernet.HEADER_LENGTH;
        int operation = Arp.operation(frame, arp);
        if (operation == ArpOperation.REPLY_VALUE) {
            bridge.forward(t, segment, port, frame);
            return;
        }
        if (operation != ArpOperation.REQUEST_VALUE) {
            forwarding.drop(t, port, segment, DropReason.MALFORMED, frame);
            return;
        }
        int target = Arp.targetIp(frame, arp);
        if (t.portHasIp[port] && target == t.portIps[port]) {
            // A probe or announcement for the sender's own address: an answer would look like a conflict (RFC 5227).
            forwarding.drop(t, port, segment, DropReason.ARP_OWN_ADDRESS, frame);
            return;
        }
        if (!t.state.arpSuppression(segment) && !isGateway(t.state, segment, target)) {
            bridge.forward(t, segment, port, frame);
            return;
        }
        long mac = resolve(t.state, segment, target);
        if (mac == ForwardingState.NO_MAC) {
            if (t.state.learningPeer(segment, port) != ForwardingState.NONE) {
                bridge.forward(t, segment, port, frame); // a learning peer's own stack answers
            } else {
                forwarding.drop(t, port, segment, DropReason.ARP_UNKNOWN_BINDING, frame);
            }
            return;
        }
        long requester = Ethernet.source(frame, offset);
        Arp.toReply(frame, arp, mac, target);
        Ethernet.setDestination(frame, offset, requester);
        Ethernet.setSource(frame, offset, mac);
        t.host.arpReplySuppressed();
        t.segments[segment].arpReplySuppressed();
        t.ports[port].arpReplySuppressed();
        forwarding.toPort(t, port, frame);
    }

    private static long resolve(ForwardingState state, int segment, int target) {
        if (isGateway(state, segment, target)) {
            return state.routerMac(state.segmentRouter(segment));
        }
        return state.bindingMac(segment, target);
    }

    private static boolean isGateway(ForwardingState state, int segment, int target) {
        return state.segmentRouter(segment) != ForwardingState.NONE
                && target != 0
                && target == state.segmentGateway(segment);
    }
}
