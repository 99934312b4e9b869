package io.vpclab.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.net.Ipv4Address;

/** IPv4 packets for the tests: a header and a recognisable payload. */
final class IpPackets {

    private IpPackets() {}

    static ByteBuf udp(String source, String destination, String payload) {
        byte[] data = payload.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuf packet = Unpooled.buffer(Ipv4.MIN_HEADER_LENGTH + data.length);
        Ipv4.write(
                packet,
                0,
                Ipv4.MIN_HEADER_LENGTH + data.length,
                1,
                64,
                IpProtocol.UDP_VALUE,
                Ipv4Address.parseBits(source),
                Ipv4Address.parseBits(destination));
        packet.writerIndex(Ipv4.MIN_HEADER_LENGTH);
        packet.writeBytes(data);
        return packet;
    }

    static String payload(byte[] packet) {
        return new String(
                packet,
                Ipv4.MIN_HEADER_LENGTH,
                packet.length - Ipv4.MIN_HEADER_LENGTH,
                java.nio.charset.StandardCharsets.US_ASCII);
    }
}
