package io.vpclab.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.net.Ipv4Address;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DhcpTest {

    /** A REQUEST as udhcpc sends it in the selecting state (sname and file zero, written as 192 zero bytes). */
    static final String REQUEST = "01 (op BOOTREQUEST) | 01 (htype Ethernet) | 06 (hlen) | 00 (hops)"
            + " | 8badf00d (xid, high bit set) | 0003 (secs) | 8000 (flags: broadcast)"
            + " | 00000000 (ciaddr) | 00000000 (yiaddr) | 00000000 (siaddr) | 00000000 (giaddr)"
            + " | 02000a000105 00000000000000000000 (chaddr, padded to 16)"
            + " | " + "00".repeat(192) + " (sname, file)"
            + " | 63825363 (magic cookie)"
            + " | 350103 (53: REQUEST) | 00 (pad) | 32040a000105 (50: requested 10.0.1.5)"
            + " | 36040a000101 (54: server 10.0.1.1) | 3703011a06 (55: asks mask, MTU, DNS) | ff (end)";

    @Test
    void readsAnAnnotatedRequest() {
        ByteBuf message = Bytes.buf(REQUEST);
        int length = message.readableBytes();

        Dhcp.check(message, 0, length);
        assertThat(Dhcp.op(message, 0)).isEqualTo(Dhcp.BOOTREQUEST);
        assertThat(Dhcp.transactionId(message, 0)).isEqualTo(0x8badf00d);
        assertThat(Dhcp.flags(message, 0)).isEqualTo(Dhcp.FLAG_BROADCAST);
        assertThat(Dhcp.clientAddress(message, 0)).isZero();
        assertThat(Dhcp.clientMac(message, 0)).isEqualTo(0x02000a000105L);
        assertThat(Dhcp.messageType(message, 0, length)).isEqualTo(DhcpMessageType.REQUEST_VALUE);
        assertThat(Dhcp.addressOption(message, 0, length, Dhcp.OPTION_REQUESTED_ADDRESS))
                .isEqualTo(Ipv4Address.parseBits("10.0.1.5"));
        assertThat(Dhcp.addressOption(message, 0, length, Dhcp.OPTION_SERVER_IDENTIFIER))
                .isEqualTo(Ipv4Address.parseBits("10.0.1.1"));
        assertThat(Dhcp.findOption(message, 0, length, Dhcp.OPTION_HOST_NAME)).isEqualTo(Dhcp.ABSENT);
        int parameters = Dhcp.findOption(message, 0, length, 55);
        assertThat(message.getUnsignedByte(parameters)).isEqualTo((short) 3);
        assertThat((int) message.getUnsignedByte(parameters + 2)).isEqualTo(Dhcp.OPTION_INTERFACE_MTU);
    }

    @Test
    void everyTruncatedLengthIsRefusedWithTheDocumentedException() {
        byte[] bytes = Bytes.hex(REQUEST);
        for (int length = 0; length < Dhcp.OPTIONS_OFFSET; length++) {
            ByteBuf cut = Bytes.truncated(bytes, length);
            int given = length;
            assertThatThrownBy(() -> Dhcp.check(cut, 0, given))
                    .isInstanceOf(PacketFormatException.class)
                    .hasMessageContaining("DHCP truncated");
        }
        // cut inside the options: the option that runs past the end is refused, no read beyond it
        for (int length = Dhcp.OPTIONS_OFFSET; length < bytes.length; length++) {
            ByteBuf cut = Bytes.truncated(bytes, length);
            int given = length;
            Dhcp.check(cut, 0, given);
            try {
                Dhcp.addressOption(cut, 0, given, Dhcp.OPTION_SERVER_IDENTIFIER);
                Dhcp.messageType(cut, 0, given);
            } catch (PacketFormatException expected) {
                assertThat(expected).hasMessageContaining("DHCP invalid");
            }
        }
    }

    @Test
    void aMessageWithoutCookieOrTypeOrWithAWrongSizedAddressIsInvalid() {
        byte[] bytes = Bytes.hex(REQUEST);
        byte[] noCookie = bytes.clone();
        noCookie[Dhcp.FIXED_LENGTH] = 0;
        assertThatThrownBy(() -> Dhcp.check(Unpooled.wrappedBuffer(noCookie), 0, noCookie.length))
                .isInstanceOf(PacketFormatException.class)
                .hasMessage("DHCP invalid: no magic cookie");

        byte[] noType = bytes.clone();
        noType[Dhcp.OPTIONS_OFFSET] = (byte) Dhcp.OPTION_END;
        assertThatThrownBy(() -> Dhcp.messageType(Unpooled.wrappedBuffer(noType), 0, noType.length))
                .hasMessage("DHCP invalid: no message type (option 53)");

        byte[] shortAddress = bytes.clone();
        shortAddress[Dhcp.OPTIONS_OFFSET + 5] = 3; // option 50's length
        assertThatThrownBy(() -> Dhcp.addressOption(
                        Unpooled.wrappedBuffer(shortAddress), 0, shortAddress.length, Dhcp.OPTION_REQUESTED_ADDRESS))
                .isInstanceOf(PacketFormatException.class);
        assertThatThrownBy(() -> DhcpMessageType.of(9)).hasMessage("unknown DHCP message type 9");
    }

    @Test
    void aReplyWrittenFromTheRequestRoundTrips() {
        ByteBuf request = Bytes.buf(REQUEST);
        ByteBuf reply = Unpooled.buffer(Dhcp.MAX_REPLY_LENGTH).writeZero(Dhcp.MAX_REPLY_LENGTH);
        reply.setByte(100, 0x55); // garbage where sname lies: the writer clears it

        int at = Dhcp.writeReply(reply, 0, request, 0, 0, 0xFFFF_FFFE);
        at = Dhcp.writeByteOption(reply, at, Dhcp.OPTION_MESSAGE_TYPE, DhcpMessageType.ACK_VALUE);
        at = Dhcp.writeShortOption(reply, at, Dhcp.OPTION_INTERFACE_MTU, 0xFFFF);
        at = Dhcp.writeIntOption(reply, at, Dhcp.OPTION_SERVER_IDENTIFIER, 0x8000_0001);
        at = Dhcp.writeTextOption(reply, at, Dhcp.OPTION_HOST_NAME, "web-1".getBytes(StandardCharsets.US_ASCII));
        reply.setByte(at++, Dhcp.OPTION_END);

        Dhcp.check(reply, 0, at);
        assertThat(Dhcp.op(reply, 0)).isEqualTo(Dhcp.BOOTREPLY);
        assertThat(Dhcp.transactionId(reply, 0)).isEqualTo(0x8badf00d);
        assertThat(Dhcp.flags(reply, 0)).isEqualTo(Dhcp.FLAG_BROADCAST);
        assertThat(Dhcp.yourAddress(reply, 0)).isEqualTo(0xFFFF_FFFE);
        assertThat(Dhcp.serverAddress(reply, 0)).isZero();
        assertThat(Dhcp.clientMac(reply, 0)).isEqualTo(0x02000a000105L);
        assertThat(reply.getByte(100)).isZero();
        assertThat(Dhcp.messageType(reply, 0, at)).isEqualTo(DhcpMessageType.ACK_VALUE);
        assertThat(reply.getUnsignedShort(Dhcp.findOption(reply, 0, at, Dhcp.OPTION_INTERFACE_MTU) + 1))
                .isEqualTo(0xFFFF);
        assertThat(Dhcp.addressOption(reply, 0, at, Dhcp.OPTION_SERVER_IDENTIFIER))
                .isEqualTo(0x8000_0001);
        int name = Dhcp.findOption(reply, 0, at, Dhcp.OPTION_HOST_NAME);
        assertThat(reply.toString(name + 1, reply.getUnsignedByte(name), StandardCharsets.US_ASCII))
                .isEqualTo("web-1");
        assertThatThrownBy(() -> Dhcp.writeTextOption(reply, 0, Dhcp.OPTION_MESSAGE, new byte[256]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
