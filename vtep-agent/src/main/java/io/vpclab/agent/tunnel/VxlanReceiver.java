package io.vpclab.agent.tunnel;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The receive checks of a point-to-point tunnel (RFC 7348 s5): the datagram comes from the one
 * remote VTEP, holds a VXLAN header and an Ethernet header, has the I flag and carries our VNI.
 * Each refusal is counted by reason; nothing is released here.
 */
final class VxlanReceiver {

    private final InetAddress remoteIp;
    private final int vni;
    private final TunnelCounters counters;

    VxlanReceiver(InetAddress remoteIp, int vni, TunnelCounters counters) {
        this.remoteIp = remoteIp;
        this.vni = vni;
        this.counters = counters;
    }

    /** True when {@code payload} (VXLAN header at readerIndex) is to be decapsulated. */
    boolean accepts(ByteBuf payload, InetSocketAddress sender) {
        if (!remoteIp.equals(sender.getAddress())) {
            counters.unknownVtepDrops.incrementAndGet();
            return false;
        }
        int at = payload.readerIndex();
        if (payload.readableBytes() < PointToPointTunnel.VXLAN_HEADER_LENGTH + PointToPointTunnel.ETHERNET_HEADER_LENGTH) {
            counters.runtDrops.incrementAndGet();
            return false;
        }
        if ((payload.getUnsignedByte(at) & PointToPointTunnel.FLAGS_VNI_VALID) == 0) {
            counters.noVniFlagDrops.incrementAndGet();
            return false;
        }
        if (payload.getUnsignedMedium(at + 4) != vni) {
            counters.wrongVniDrops.incrementAndGet();
            return false;
        }
        return true;
    }
}
