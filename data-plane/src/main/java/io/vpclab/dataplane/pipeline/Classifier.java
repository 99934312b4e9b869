package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.net.MacAddress;

/**
 * Stage 3, classify: ARP goes to the responder (4), a client's DHCP to the DHCP responder (4b),
 * frames addressed to the segment's router MAC go to the router (5), everything else is bridged (7).
 */
final class Classifier {

    static final int ARP = 0;
    static final int ROUTE = 1;
    static final int BRIDGE = 2;
    static final int DHCP = 3;

    int classify(Tables t, int segment, ByteBuf frame) {
        int offset = frame.readerIndex();
        int etherType = Ethernet.etherType(frame, offset);
        if (etherType == EtherType.ARP_VALUE) {
            return ARP;
        }
        long destination = Ethernet.destination(frame, offset);
        boolean toRouter = destination == t.segmentRouterMacs[segment];
        // a client's DHCP message is broadcast, or unicast to its server (the router) when it renews
        if ((toRouter || MacAddress.isMulticast(destination))
                && etherType == EtherType.IPV4_VALUE
                && DhcpResponder.isClientMessage(frame, offset + Ethernet.HEADER_LENGTH)) {
            return DHCP;
        }
        return toRouter ? ROUTE : BRIDGE;
    }
}
