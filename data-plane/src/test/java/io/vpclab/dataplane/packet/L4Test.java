package io.vpclab.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.net.Ipv4Address;
import org.junit.jupiter.api.Test;

/** ICMP, UDP and TCP views: annotated vectors, checksums with the pseudo-header, truncation. */
class L4Test {

    static final int SOURCE = Ipv4Address.parseBits("10.0.1.5");
    static final int DESTINATION = Ipv4Address.parseBits("10.0.2.8");

    static final String ECHO =
            "08 (echo request) | 00 (code) | 0000 (checksum) | beef (id) | 8001 (seq 32769) | 6869 (data)";
    static final String UDP =
            "c350 (src 50000) | 12b5 (dst 4789) | 000a (length 10) | 0000 (no checksum) | 6869 (data)";
    static final String TCP = "ffff (src 65535) | 0cea (dst 3306) | 80000001 (seq) | 00000000 (ack) | 50 (offset 5)"
            + " | 02 (SYN) | faf0 (window) | 0000 (checksum) | 0000 (urgent)";

    @Test
    void icmpEchoFieldsAndChecksum() {
        ByteBuf icmp = Bytes.buf(ECHO);
        Icmp.check(icmp, 0, 10);
        assertThat(IcmpType.of(Icmp.type(icmp, 0))).isEqualTo(IcmpType.ECHO_REQUEST);
        assertThat(Icmp.identifier(icmp, 0)).isEqualTo(0xbeef);
        assertThat(Icmp.sequence(icmp, 0)).isEqualTo(32769);
        Icmp.updateChecksum(icmp, 0, 10);
        assertThat(Icmp.verifyChecksum(icmp, 0, 10)).isTrue();
        assertThatThrownBy(() -> IcmpType.of(5)).hasMessage("unsupported ICMP type 5");
        assertThatThrownBy(() -> Icmp.check(icmp, 0, 7)).isInstanceOf(PacketFormatException.class);
    }

    @Test
    void udpFieldsAndPseudoHeaderChecksum() {
        ByteBuf udp = Bytes.buf(UDP);
        Udp.check(udp, 0);
        assertThat(Udp.sourcePort(udp, 0)).isEqualTo(50000);
        assertThat(Udp.destinationPort(udp, 0)).isEqualTo(Vxlan.PORT);
        assertThat(Udp.length(udp, 0)).isEqualTo(10);
        assertThat(Udp.verifyChecksum(udp, 0, SOURCE, DESTINATION))
                .as("zero means not computed")
                .isTrue();
        Udp.updateChecksum(udp, 0, SOURCE, DESTINATION);
        assertThat(Udp.checksum(udp, 0)).isNotZero();
        assertThat(Udp.verifyChecksum(udp, 0, SOURCE, DESTINATION)).isTrue();
        assertThat(Udp.verifyChecksum(udp, 0, SOURCE + 1, DESTINATION)).isFalse();
    }

    @Test
    void tcpFieldsFlagsAndChecksum() {
        ByteBuf tcp = Bytes.buf(TCP);
        assertThat(Tcp.check(tcp, 0, 20)).isEqualTo(20);
        assertThat(Tcp.sourcePort(tcp, 0)).isEqualTo(65535);
        assertThat(Tcp.destinationPort(tcp, 0)).isEqualTo(3306);
        assertThat(Tcp.sequence(tcp, 0)).isEqualTo(0x80000001L);
        assertThat(Tcp.flags(tcp, 0)).isEqualTo(Tcp.SYN);
        assertThat(Tcp.window(tcp, 0)).isEqualTo(64240);
        Tcp.updateChecksum(tcp, 0, 20, SOURCE, DESTINATION);
        assertThat(Tcp.verifyChecksum(tcp, 0, 20, SOURCE, DESTINATION)).isTrue();
        tcp.setByte(13, Tcp.SYN | Tcp.ACK);
        assertThat(Tcp.verifyChecksum(tcp, 0, 20, SOURCE, DESTINATION)).isFalse();
    }

    @Test
    void tcpWriteRoundTripsHighValues() {
        ByteBuf tcp = Unpooled.buffer(20).writeZero(20);
        Tcp.write(tcp, 0, 40000, 65535, 0xFFFF_FFFFL, 0x8000_0000L, Tcp.RST | Tcp.ACK, 65535);
        assertThat(Tcp.sourcePort(tcp, 0)).isEqualTo(40000);
        assertThat(Tcp.destinationPort(tcp, 0)).isEqualTo(65535);
        assertThat(Tcp.sequence(tcp, 0)).isEqualTo(0xFFFF_FFFFL);
        assertThat(Tcp.acknowledgment(tcp, 0)).isEqualTo(0x8000_0000L);
        assertThat(Tcp.headerLength(tcp, 0)).isEqualTo(20);
        assertThat(Tcp.flags(tcp, 0)).isEqualTo(Tcp.RST | Tcp.ACK);
    }

    @Test
    void everyTruncatedLengthIsRefused() {
        byte[] udp = Bytes.hex(UDP);
        for (int length = 0; length < udp.length; length++) {
            ByteBuf cut = Bytes.truncated(udp, length);
            assertThatThrownBy(() -> Udp.check(cut, 0))
                    .isInstanceOf(PacketFormatException.class)
                    .hasMessageStartingWith("UDP truncated");
        }
        byte[] tcp = Bytes.hex(TCP);
        for (int length = 0; length < tcp.length; length++) {
            ByteBuf cut = Bytes.truncated(tcp, length);
            int claimed = length;
            assertThatThrownBy(() -> Tcp.check(cut, 0, claimed))
                    .isInstanceOf(PacketFormatException.class)
                    .hasMessageStartingWith("TCP truncated");
            assertThatThrownBy(() -> Tcp.check(cut, 0, 20)).isInstanceOf(PacketFormatException.class);
        }
        ByteBuf badOffset = Bytes.buf(TCP);
        badOffset.setByte(12, 0xF0);
        assertThatThrownBy(() -> Tcp.check(badOffset, 0, 20)).hasMessage("TCP invalid: data offset 60 outside 20..20");
    }

    @Test
    void incrementalChecksumMatchesAFullRecompute() {
        ByteBuf icmp = Bytes.buf(ECHO);
        Icmp.updateChecksum(icmp, 0, 10);
        int old = icmp.getUnsignedShort(0);
        icmp.setShort(0, 0x0000); // echo request -> echo reply
        int adjusted = Packets.adjustChecksum(Icmp.checksum(icmp, 0), old, 0);
        Icmp.updateChecksum(icmp, 0, 10);
        assertThat(adjusted).isEqualTo(Icmp.checksum(icmp, 0));
    }
}
