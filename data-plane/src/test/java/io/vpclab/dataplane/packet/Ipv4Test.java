package io.vpclab.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4Test {

    // The classic example header (Wikipedia "IPv4 header checksum"), checksum b861.
    static final String HEADER = "45 (v4, IHL 5) | 00 (DSCP/ECN) | 0073 (total 115) | 0000 (id) | 4000 (DF)"
            + " | 40 (TTL 64) | 11 (UDP) | b861 (checksum) | c0a80001 (192.168.0.1) | c0a800c7 (192.168.0.199)";

    static byte[] packet() {
        byte[] header = Bytes.hex(HEADER);
        byte[] packet = new byte[115];
        System.arraycopy(header, 0, packet, 0, header.length);
        return packet;
    }

    @Test
    void readsAnAnnotatedHeaderAndVerifiesItsChecksum() {
        ByteBuf ip = Unpooled.wrappedBuffer(packet());

        assertThat(Ipv4.check(ip, 0)).isEqualTo(20);
        assertThat(Ipv4.isValid(ip, 0)).isTrue();
        assertThat(Ipv4.version(ip, 0)).isEqualTo(4);
        assertThat(Ipv4.optionsLength(ip, 0)).isZero();
        assertThat(Ipv4.totalLength(ip, 0)).isEqualTo(115);
        assertThat(Ipv4.flagsAndFragment(ip, 0)).isEqualTo(Ipv4.FLAG_DONT_FRAGMENT);
        assertThat(Ipv4.isFragment(ip, 0)).isFalse();
        assertThat(Ipv4.ttl(ip, 0)).isEqualTo(64);
        assertThat(Ipv4.protocol(ip, 0)).isEqualTo(IpProtocol.UDP_VALUE);
        assertThat(Ipv4.source(ip, 0)).isEqualTo(0xc0a80001);
        assertThat(Ipv4.destination(ip, 0)).isEqualTo(0xc0a800c7);
        assertThat(Ipv4.checksum(ip, 0)).isEqualTo(0xb861);
        assertThat(Ipv4.computeChecksum(ip, 0)).isEqualTo(0xb861);
        assertThat(Ipv4.verifyChecksum(ip, 0)).isTrue();
        ip.setByte(15, 2);
        assertThat(Ipv4.verifyChecksum(ip, 0)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {255, 2, 1})
    void decrementingTtlKeepsTheChecksumRight(int ttl) {
        ByteBuf ip = Unpooled.wrappedBuffer(packet());
        ip.setByte(8, ttl);
        Ipv4.updateChecksum(ip, 0);

        Ipv4.decrementTtl(ip, 0);

        assertThat(Ipv4.ttl(ip, 0)).isEqualTo(ttl - 1);
        assertThat(Ipv4.verifyChecksum(ip, 0)).isTrue();
        assertThat(Ipv4.checksum(ip, 0)).isEqualTo(Ipv4.computeChecksum(ip, 0));
    }

    @Test
    void readsOptionsLength() {
        ByteBuf ip = Unpooled.buffer(24).writeZero(24);
        Ipv4.write(ip, 0, 24, 7, 0, IpProtocol.ICMP_VALUE, 1, 2);
        ip.setByte(0, 0x46); // IHL 6: 4 bytes of options
        Ipv4.updateChecksum(ip, 0);
        assertThat(Ipv4.headerLength(ip, 0)).isEqualTo(24);
        assertThat(Ipv4.optionsLength(ip, 0)).isEqualTo(4);
        assertThat(Ipv4.check(ip, 0)).isEqualTo(24);
        assertThat(Ipv4.ttl(ip, 0)).isZero();
    }

    @Test
    void everyTruncatedLengthIsRefused() {
        byte[] bytes = packet();
        for (int length = 0; length < bytes.length; length++) {
            ByteBuf cut = Bytes.truncated(bytes, length);
            assertThat(Ipv4.isValid(cut, 0)).isFalse();
            assertThatThrownBy(() -> Ipv4.check(cut, 0))
                    .isInstanceOf(PacketFormatException.class)
                    .hasMessageStartingWith("IPv4 truncated: needs ");
        }
    }

    @Test
    void refusesBadVersionsAndLengths() {
        ByteBuf ip = Unpooled.wrappedBuffer(packet());
        ip.setByte(0, 0x65);
        assertThatThrownBy(() -> Ipv4.check(ip, 0)).hasMessage("IPv4 invalid: version 6");
        ip.setByte(0, 0x44);
        assertThatThrownBy(() -> Ipv4.check(ip, 0)).hasMessage("IPv4 invalid: header length 16 below 20");
        ip.setByte(0, 0x45);
        ip.setShort(2, 19);
        assertThatThrownBy(() -> Ipv4.check(ip, 0)).hasMessage("IPv4 invalid: total length 19 below header length 20");
        assertThatThrownBy(() -> IpProtocol.of(47)).hasMessage("unsupported IP protocol 47");
    }

    static IntStream randomAddresses() {
        return new SplittableRandom(Long.getLong("prop.seed", 42L)).ints(500);
    }

    @ParameterizedTest
    @MethodSource("randomAddresses")
    void writtenHeadersRoundTripAndCarryAValidChecksum(int address) {
        ByteBuf ip = Unpooled.buffer(20).writeZero(20);
        Ipv4.write(ip, 0, 20, address & 0xFFFF, address >>> 24, IpProtocol.TCP_VALUE, address, ~address);
        assertThat(Ipv4.source(ip, 0)).isEqualTo(address);
        assertThat(Ipv4.destination(ip, 0)).isEqualTo(~address);
        assertThat(Ipv4.ttl(ip, 0)).isEqualTo(address >>> 24);
        assertThat(Ipv4.verifyChecksum(ip, 0)).isTrue();
    }
}
