package io.vpclab.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vpclab.dataplane.offload.VirtioNetHeader;
import io.vpclab.dataplane.packet.Checksums;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Tcp;
import java.util.SplittableRandom;

/**
 * What one iperf3 stream hands a TAP with TSO: a burst of {@link #SEGMENTS} full-sized segments
 * (44 x 1448 = 63712 payload bytes, with the 12-byte timestamps option, DF set, as Linux sends it
 * over an inner MTU of 1500) behind a virtio-net header that asks for GSO_TCPV4 and NEEDS_CSUM,
 * the TCP checksum field holding the folded pseudo-header sum (CHECKSUM_PARTIAL).
 */
final class TsoBursts {

    static final int MSS = 1448;
    static final int SEGMENTS = 44;
    static final int TCP_HEADER = Tcp.MIN_HEADER_LENGTH + 12;
    static final int HEADERS = Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + TCP_HEADER;

    /** The addresses of a burst's frame. */
    record Flow(long destinationMac, long sourceMac, int sourceIp, int destinationIp) {}

    private TsoBursts() {}

    /** A burst of {@code payloadLength} bytes behind a virtio-net header of {@code vnetHeaderLength} (10 or 12) bytes. */
    static ByteBuf build(ByteBufAllocator allocator, int vnetHeaderLength, Flow flow, int payloadLength) {
        int frameLength = HEADERS + payloadLength;
        ByteBuf buf = allocator.directBuffer(vnetHeaderLength + frameLength);
        VirtioNetHeader.write(
                buf,
                0,
                vnetHeaderLength,
                VirtioNetHeader.F_NEEDS_CSUM,
                VirtioNetHeader.GSO_TCPV4,
                HEADERS,
                MSS,
                Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH,
                VirtioNetHeader.TCP_CSUM_OFFSET);
        int ip = Ethernet.write(buf, vnetHeaderLength, flow.destinationMac(), flow.sourceMac(), EtherType.IPV4_VALUE);
        int tcp = Ipv4.write(
                buf,
                ip,
                frameLength - Ethernet.HEADER_LENGTH,
                0x1234,
                64,
                IpProtocol.TCP_VALUE,
                flow.sourceIp(),
                flow.destinationIp());
        buf.setShort(ip + 6, Ipv4.FLAG_DONT_FRAGMENT);
        Ipv4.updateChecksum(buf, ip);
        Tcp.write(buf, tcp, 40000, 5201, 0x8000_0000L, 0xF000_0001L, Tcp.ACK | Tcp.PSH, 0xFFFF);
        buf.setByte(tcp + 12, (TCP_HEADER / 4) << 4);
        buf.setLong(tcp + 20, 0x0101_080a_1234_5678L); // NOP NOP timestamps(TSval, TSecr)
        buf.setInt(tcp + 28, 0x9abc_def0);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < payloadLength; i += 8) {
            buf.setLong(tcp + TCP_HEADER + i, random.nextLong());
        }
        buf.setShort(
                tcp + Tcp.CHECKSUM_OFFSET,
                Checksums.fold(Checksums.pseudoHeaderSum(
                        flow.sourceIp(), flow.destinationIp(), IpProtocol.TCP_VALUE, TCP_HEADER + payloadLength)));
        buf.writerIndex(vnetHeaderLength + frameLength);
        return buf;
    }
}
