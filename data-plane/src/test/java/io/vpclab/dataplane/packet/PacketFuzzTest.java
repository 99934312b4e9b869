package io.vpclab.dataplane.packet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Every decoder over arbitrary bytes: the only exception allowed is {@link PacketFormatException},
 * and nothing reads past the bytes given (the buffer's capacity is exactly the input, so an
 * out-of-bounds read would throw IndexOutOfBoundsException and fail the test).
 */
class PacketFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decodersThrowOnlyTheDocumentedException(byte[] data) {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        try {
            int l3 = Ethernet.headerLength(buf, 0);
            Ethernet.destination(buf, 0);
            Ethernet.source(buf, 0);
            int type = Ethernet.payloadType(buf, 0);
            if (type == EtherType.ARP_VALUE) {
                Arp.check(buf, l3);
                Arp.operation(buf, l3);
                Arp.senderMac(buf, l3);
                Arp.targetIp(buf, l3);
            } else if (type == EtherType.IPV4_VALUE) {
                decodeIpv4(buf, l3);
            }
        } catch (PacketFormatException expected) {
            // the documented failure
        }
        try {
            Vxlan.check(buf, 0);
            Vxlan.vni(buf, 0);
            Vxlan.hasVni(buf, 0);
        } catch (PacketFormatException expected) {
            // the documented failure
        }
        try {
            decodeIpv4(buf, 0);
        } catch (PacketFormatException expected) {
            // the documented failure
        }
        Arp.isEthernetIpv4(buf, 0);
        Ipv4.isValid(buf, 0);
        try {
            decodeDhcp(buf, 0, data.length);
        } catch (PacketFormatException expected) {
            // the documented failure
        }
    }

    private static void decodeDhcp(ByteBuf buf, int offset, int length) {
        Dhcp.check(buf, offset, length);
        Dhcp.op(buf, offset);
        Dhcp.transactionId(buf, offset);
        Dhcp.clientMac(buf, offset);
        Dhcp.relayAddress(buf, offset);
        Dhcp.messageType(buf, offset, length);
        Dhcp.addressOption(buf, offset, length, Dhcp.OPTION_REQUESTED_ADDRESS);
        Dhcp.addressOption(buf, offset, length, Dhcp.OPTION_SERVER_IDENTIFIER);
    }

    private static void decodeIpv4(ByteBuf buf, int offset) {
        int headerLength = Ipv4.check(buf, offset);
        Ipv4.verifyChecksum(buf, offset);
        Ipv4.isFragment(buf, offset);
        int l4 = offset + headerLength;
        int l4Length = Ipv4.totalLength(buf, offset) - headerLength;
        switch (Ipv4.protocol(buf, offset)) {
            case IpProtocol.ICMP_VALUE -> {
                Icmp.check(buf, l4, l4Length);
                Icmp.verifyChecksum(buf, l4, l4Length);
                Icmp.sequence(buf, l4);
            }
            case IpProtocol.UDP_VALUE -> {
                Udp.check(buf, l4);
                Udp.verifyChecksum(buf, l4, Ipv4.source(buf, offset), Ipv4.destination(buf, offset));
                if (Udp.destinationPort(buf, l4) == Dhcp.SERVER_PORT
                        || Udp.destinationPort(buf, l4) == Dhcp.CLIENT_PORT) {
                    decodeDhcp(buf, l4 + Udp.HEADER_LENGTH, Udp.length(buf, l4) - Udp.HEADER_LENGTH);
                }
            }
            case IpProtocol.TCP_VALUE -> {
                Tcp.check(buf, l4, l4Length);
                Tcp.verifyChecksum(buf, l4, l4Length, Ipv4.source(buf, offset), Ipv4.destination(buf, offset));
                Tcp.flags(buf, l4);
            }
            default -> {}
        }
    }
}
