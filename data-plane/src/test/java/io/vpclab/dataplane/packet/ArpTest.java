package io.vpclab.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.net.Ipv4Address;
import org.junit.jupiter.api.Test;

class ArpTest {

    static final String REQUEST = "0001 (htype Ethernet) | 0800 (ptype IPv4) | 06 (hlen) | 04 (plen) | 0001 (request)"
            + " | 02000a000105 (sha) | 0a000105 (spa 10.0.1.5) | 000000000000 (tha) | 0a000106 (tpa 10.0.1.6)";

    @Test
    void readsAnAnnotatedRequest() {
        ByteBuf arp = Bytes.buf(REQUEST);

        Arp.check(arp, 0);
        assertThat(Arp.isEthernetIpv4(arp, 0)).isTrue();
        assertThat(Arp.operation(arp, 0)).isEqualTo(ArpOperation.REQUEST_VALUE);
        assertThat(Arp.senderMac(arp, 0)).isEqualTo(0x02000a000105L);
        assertThat(Arp.senderIp(arp, 0)).isEqualTo(Ipv4Address.parseBits("10.0.1.5"));
        assertThat(Arp.targetMac(arp, 0)).isZero();
        assertThat(Arp.targetIp(arp, 0)).isEqualTo(Ipv4Address.parseBits("10.0.1.6"));
    }

    @Test
    void turnsARequestIntoItsReplyInPlace() {
        ByteBuf arp = Bytes.buf(REQUEST);

        Arp.toReply(arp, 0, 0x02000a0001ffL, Ipv4Address.parseBits("10.0.1.6"));

        assertThat(Arp.operation(arp, 0)).isEqualTo(ArpOperation.REPLY_VALUE);
        assertThat(Arp.senderMac(arp, 0)).isEqualTo(0x02000a0001ffL);
        assertThat(Arp.senderIp(arp, 0)).isEqualTo(Ipv4Address.parseBits("10.0.1.6"));
        assertThat(Arp.targetMac(arp, 0)).isEqualTo(0x02000a000105L);
        assertThat(Arp.targetIp(arp, 0)).isEqualTo(Ipv4Address.parseBits("10.0.1.5"));
    }

    @Test
    void writeRoundTripsWithHighBitAddresses() {
        ByteBuf arp = Unpooled.buffer(Arp.LENGTH).writeZero(Arp.LENGTH);
        Arp.write(arp, 0, ArpOperation.REPLY, 0xFFFF_FFFF_FFFEL, 0xFFFF_FFFE, 0x8000_0000_0001L, 0x8000_0001);
        assertThat(Arp.senderMac(arp, 0)).isEqualTo(0xFFFF_FFFF_FFFEL);
        assertThat(Arp.senderIp(arp, 0)).isEqualTo(0xFFFF_FFFE);
        assertThat(Arp.targetMac(arp, 0)).isEqualTo(0x8000_0000_0001L);
        assertThat(Arp.targetIp(arp, 0)).isEqualTo(0x8000_0001);
        assertThat(ArpOperation.of(Arp.operation(arp, 0))).isEqualTo(ArpOperation.REPLY);
        assertThatThrownBy(() -> ArpOperation.of(3)).hasMessage("unknown ARP operation 3");
    }

    @Test
    void everyTruncatedLengthIsRefusedAndOtherHardwareIsNotEthernetIpv4() {
        byte[] bytes = Bytes.hex(REQUEST);
        for (int length = 0; length < bytes.length; length++) {
            ByteBuf cut = Bytes.truncated(bytes, length);
            assertThat(Arp.isEthernetIpv4(cut, 0)).isFalse();
            assertThatThrownBy(() -> Arp.check(cut, 0))
                    .isInstanceOf(PacketFormatException.class)
                    .hasMessage("ARP truncated: needs 28 bytes at offset 0, " + length + " available");
        }
        ByteBuf infiniband = Bytes.buf(REQUEST);
        infiniband.setShort(0, 32);
        assertThatThrownBy(() -> Arp.check(infiniband, 0)).hasMessage("ARP invalid: not Ethernet/IPv4");
    }
}
