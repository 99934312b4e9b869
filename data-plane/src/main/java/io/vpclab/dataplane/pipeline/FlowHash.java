package io.vpclab.dataplane.pipeline;

import io.netty.buffer.ByteBuf;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Packets;

/**
 * Hash of an inner frame's flow for the VXLAN source port (RFC 7348 s5): the IPv4 5-tuple when
 * there is one (ports only on first fragments), else the MAC pair and EtherType. All packets
 * of one flow get one source port, so underlay ECMP keeps them in order.
 */
public final class FlowHash {

    private FlowHash() {}

    /** The flow hash of the Ethernet frame at {@code offset}; never reads past the frame. */
    public static int of(ByteBuf frame, int offset) {
        int etherType = Ethernet.etherType(frame, offset);
        int ip = offset + Ethernet.HEADER_LENGTH;
        if (etherType == EtherType.IPV4_VALUE && Packets.fits(frame, ip, Ipv4.MIN_HEADER_LENGTH)) {
            long addresses = frame.getLong(ip + 12); // source and destination in one read
            int protocol = Ipv4.protocol(frame, ip);
            int hash = mix(mix(Long.hashCode(addresses), (int) (addresses >>> 13)), protocol);
            int l4 = ip + Ipv4.headerLength(frame, ip);
            if ((protocol == IpProtocol.TCP_VALUE || protocol == IpProtocol.UDP_VALUE)
                    && (Ipv4.flagsAndFragment(frame, ip) & Ipv4.FRAGMENT_OFFSET_MASK) == 0
                    && l4 >= ip + Ipv4.MIN_HEADER_LENGTH
                    && Packets.fits(frame, l4, 4)) {
                hash = mix(hash, frame.getInt(l4)); // source and destination ports
            }
            return hash;
        }
        long destination = Ethernet.destination(frame, offset);
        long source = Ethernet.source(frame, offset);
        return mix(mix(Long.hashCode(destination), Long.hashCode(source)), etherType);
    }

    private static int mix(int a, int b) {
        int h = a * 0x9E37_79B9 + b;
        return h ^ (h >>> 15);
    }
}
