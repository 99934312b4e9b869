package io.vpclab.dataplane.wireguard;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vpclab.net.WireGuardKeys;
import java.net.InetSocketAddress;

/**
 * The message decoder, and a whole device, over arbitrary datagrams: the decoder throws only
 * {@link WireGuardFormatException} and never reads past the input (its buffer's capacity is
 * exactly the input); the device drops what it cannot use and never throws.
 */
class WireGuardMessagesFuzzTest {

    private static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 5000);
    private static final WireGuardDevice DEVICE = device();

    private static WireGuardDevice device() {
        WireGuardDevice device = new WireGuardDevice(
                WireGuardKeys.generatePrivateKey(), new FakeClock(), (datagram, to) -> {}, (peer, packet) -> {});
        device.addPeer(WireGuardPeerConfig.of(
                WireGuardKeys.toBase64(WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey())),
                SOURCE,
                "10.0.0.0/8"));
        return device;
    }

    @FuzzTest(maxDuration = "10s")
    void theDecoderThrowsOnlyItsFormatException(byte[] data) {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        try {
            int type = WireGuardMessages.check(buf);
            if (type == WireGuardMessages.TRANSPORT) {
                WireGuardMessages.receiverIndex(buf);
                WireGuardMessages.counter(buf);
            } else if (type != WireGuardMessages.COOKIE_REPLY) {
                WireGuardMessages.senderIndex(buf);
            }
        } catch (WireGuardFormatException expected) {
            // the documented refusal
        }
        DEVICE.receive(Unpooled.wrappedBuffer(data), SOURCE);
    }
}
