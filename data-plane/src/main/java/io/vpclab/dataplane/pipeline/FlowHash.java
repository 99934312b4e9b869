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
            // the header in three reads (every checked buffer read costs, and this runs per frame)
            long first = Ipv4.firstWords(frame, ip);
            long middle = Ipv4.middleWords(frame, ip);
            int protocol = Ipv4.protocolOf(middle);
            long source = (long) Ipv4.sourceOf(middle) << 32;
            boolean ports = carriesPorts(first, protocol);
            if (ports
                    && Ipv4.headerLengthOf(first) == Ipv4.MIN_HEADER_LENGTH
                    && Packets.fits(frame, ip + Ipv4.DESTINATION_OFFSET, 8)) {
                long last = frame.getLong(ip + Ipv4.DESTINATION_OFFSET); // no options: the ports follow
                return ofIpv4(source | (last >>> 32), protocol, last & 0xFFFF_FFFFL);
            }
            long addresses = source | (Ipv4.destination(frame, ip) & 0xFFFF_FFFFL);
            return ofIpv4(addresses, protocol, ports ? portsOf(frame, ip, first) : NO_PORTS);
        }
        long destination = Ethernet.destination(frame, offset);
        long source = Ethernet.source(frame, offset);
        return mix(mix(Long.hashCode(destination), Long.hashCode(source)), etherType);
    }

    /** What {@link #ofIpv4} takes for a packet whose ports are not hashed (other protocols, later fragments). */
    private static final long NO_PORTS = -1L;

    /**
     * The hash of an IPv4 packet from its source and destination ({@code source << 32 | destination}),
     * protocol and, for TCP and UDP first fragments, both ports as one word ({@code NO_PORTS} else).
     */
    static int ofIpv4(long addresses, int protocol, long ports) {
        int hash = mix(mix(Long.hashCode(addresses), (int) (addresses >>> 13)), protocol);
        return ports == NO_PORTS ? hash : mix(hash, (int) ports);
    }

    private static boolean carriesPorts(long firstWords, int protocol) {
        return (protocol == IpProtocol.TCP_VALUE || protocol == IpProtocol.UDP_VALUE)
                && (Ipv4.flagsAndFragmentOf(firstWords) & Ipv4.FRAGMENT_OFFSET_MASK) == 0;
    }

    /** Both ports as one word, or {@code NO_PORTS} when the header length is bad or they lie past the frame. */
    private static long portsOf(ByteBuf frame, int ip, long firstWords) {
        int headerLength = Ipv4.headerLengthOf(firstWords);
        int l4 = ip + headerLength;
        return headerLength >= Ipv4.MIN_HEADER_LENGTH && Packets.fits(frame, l4, 4)
                ? frame.getInt(l4) & 0xFFFF_FFFFL
                : NO_PORTS;
    }

    private static int mix(int a, int b) {
        int h = a * 0x9E37_79B9 + b;
        return h ^ (h >>> 15);
    }
}
