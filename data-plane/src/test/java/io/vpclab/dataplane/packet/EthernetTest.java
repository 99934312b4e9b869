package io.vpclab.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.net.MacAddress;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EthernetTest {

    static final String TAGGED =
            "ffffffffffff (dst: broadcast) | 02000a000105 (src) | 8100 (TPID) | 0fff (PCP 0, VID 4095) | 0806 (ARP)";
    static final String UNTAGGED = "01005e000001 (dst: IPv4 multicast) | 02000a000105 (src) | 0800 (IPv4)";

    @Test
    void readsAnUntaggedHeader() {
        ByteBuf frame = Bytes.buf(UNTAGGED);

        assertThat(Ethernet.headerLength(frame, 0)).isEqualTo(14);
        assertThat(Ethernet.destination(frame, 0)).isEqualTo(0x01005e000001L);
        assertThat(MacAddress.isMulticast(Ethernet.destination(frame, 0))).isTrue();
        assertThat(Ethernet.source(frame, 0)).isEqualTo(0x02000a000105L);
        assertThat(Ethernet.etherType(frame, 0)).isEqualTo(EtherType.IPV4_VALUE);
        assertThat(Ethernet.isTagged(frame, 0)).isFalse();
        assertThat(Ethernet.payloadType(frame, 0)).isEqualTo(EtherType.IPV4_VALUE);
    }

    @Test
    void readsAn8021QTagWithTheHighestVid() {
        ByteBuf frame = Bytes.buf(TAGGED);

        assertThat(Ethernet.headerLength(frame, 0)).isEqualTo(18);
        assertThat(Ethernet.destination(frame, 0)).isEqualTo(MacAddress.BROADCAST.bits());
        assertThat(Ethernet.isTagged(frame, 0)).isTrue();
        assertThat(Ethernet.vlanId(frame, 0)).isEqualTo(4095);
        assertThat(Ethernet.payloadType(frame, 0)).isEqualTo(EtherType.ARP_VALUE);
    }

    @Test
    void everyTruncatedLengthIsRefused() {
        for (String vector : new String[] {UNTAGGED, TAGGED}) {
            byte[] bytes = Bytes.hex(vector);
            for (int length = 0; length < bytes.length; length++) {
                ByteBuf cut = Bytes.truncated(bytes, length);
                assertThatThrownBy(() -> Ethernet.headerLength(cut, 0))
                        .isInstanceOf(PacketFormatException.class)
                        .hasMessageContaining("truncated");
            }
            assertThat(Ethernet.headerLength(Bytes.truncated(bytes, bytes.length), 0))
                    .isEqualTo(bytes.length);
        }
    }

    @Test
    void writesTaggedAndUntaggedHeaders() {
        ByteBuf frame = Unpooled.buffer(18).writeZero(18);
        assertThat(Ethernet.writeTagged(
                        frame, 0, MacAddress.BROADCAST.bits(), 0x02000a000105L, 4094, EtherType.ARP_VALUE))
                .isEqualTo(18);
        assertThat(Ethernet.vlanId(frame, 0)).isEqualTo(4094);
        assertThatThrownBy(() -> Ethernet.writeTagged(frame, 0, 0, 0, 4095, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EtherType.of(0x1234)).hasMessage("unknown EtherType 0x1234");
        assertThat(EtherType.of(0x86DD)).isEqualTo(EtherType.IPV6);
    }

    static LongStream randomMacs() {
        return new SplittableRandom(Long.getLong("prop.seed", 42L)).longs(500, 0, 1L << 48);
    }

    @ParameterizedTest
    @MethodSource("randomMacs")
    void macsRoundTripThroughTheHeaderAndText(long mac) {
        ByteBuf frame = Unpooled.buffer(14).writeZero(14);
        Ethernet.write(frame, 0, mac, mac ^ 0xFFFF_FFFF_FFFFL, EtherType.IPV6_VALUE);
        assertThat(Ethernet.destination(frame, 0)).isEqualTo(mac);
        assertThat(Ethernet.source(frame, 0)).isEqualTo(mac ^ 0xFFFF_FFFF_FFFFL);
        assertThat(MacAddress.parse(MacAddress.format(mac)).bits()).isEqualTo(mac);
    }
}
