package io.vpclab.dataplane.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class WireGuardMessagesTest {

    private static byte[] message(int type, int length) {
        byte[] bytes = new byte[length];
        bytes[0] = (byte) type;
        return bytes;
    }

    @Test
    void eachTypeIsAcceptedAtItsLength() {
        assertThat(WireGuardMessages.check(Unpooled.wrappedBuffer(message(1, 148))))
                .isEqualTo(1);
        assertThat(WireGuardMessages.check(Unpooled.wrappedBuffer(message(2, 92))))
                .isEqualTo(2);
        assertThat(WireGuardMessages.check(Unpooled.wrappedBuffer(message(3, 64))))
                .isEqualTo(3);
        assertThat(WireGuardMessages.check(Unpooled.wrappedBuffer(message(4, 32))))
                .isEqualTo(4);
        assertThat(WireGuardMessages.check(Unpooled.wrappedBuffer(message(4, 1452))))
                .isEqualTo(4);
    }

    @Test
    void malformedMessagesAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> WireGuardMessages.check(Unpooled.wrappedBuffer(new byte[3])))
                .isInstanceOf(WireGuardFormatException.class)
                .hasMessageContaining("shorter");
        assertThatThrownBy(() -> WireGuardMessages.check(Unpooled.wrappedBuffer(message(1, 147))))
                .hasMessage("a initiation is 148 bytes, not 147");
        assertThatThrownBy(() -> WireGuardMessages.check(Unpooled.wrappedBuffer(message(2, 93))))
                .hasMessageContaining("92 bytes");
        assertThatThrownBy(() -> WireGuardMessages.check(Unpooled.wrappedBuffer(message(3, 63))))
                .hasMessageContaining("64 bytes");
        assertThatThrownBy(() -> WireGuardMessages.check(Unpooled.wrappedBuffer(message(4, 31))))
                .hasMessageContaining("at least 32");
        assertThatThrownBy(() -> WireGuardMessages.check(Unpooled.wrappedBuffer(message(5, 148))))
                .hasMessage("unknown message type 5");
        byte[] reserved = message(1, 148);
        reserved[2] = 1;
        assertThatThrownBy(() -> WireGuardMessages.check(Unpooled.wrappedBuffer(reserved)))
                .hasMessageContaining("reserved");
    }
}
