package io.vpclab.dataplane.wireguard;

import io.netty.buffer.ByteBuf;

/**
 * The four WireGuard messages (whitepaper s5.4, wireguard-go noise-protocol.go) as views over
 * a {@link ByteBuf}: the first four bytes are a little-endian type whose three upper bytes are
 * reserved zeros, then little-endian indices and counters. {@link #check} refuses every
 * datagram that is not exactly one well-formed message, with the reason.
 */
public final class WireGuardMessages {

    public static final int INITIATION = 1;
    public static final int RESPONSE = 2;
    public static final int COOKIE_REPLY = 3;
    public static final int TRANSPORT = 4;

    public static final int INITIATION_LENGTH = 148;
    public static final int RESPONSE_LENGTH = 92;
    public static final int COOKIE_REPLY_LENGTH = 64;
    /** Header (type, receiver, counter) of a transport message. */
    public static final int TRANSPORT_HEADER_LENGTH = 16;
    /** A keepalive: the header and an empty sealed payload (its tag). */
    public static final int TRANSPORT_MIN_LENGTH = TRANSPORT_HEADER_LENGTH + ChaChaPoly.TAG_LENGTH;

    // initiation: type 4, sender 4, ephemeral 32, static 32+16, timestamp 12+16, mac1 16, mac2 16
    static final int SENDER_OFFSET = 4;
    static final int INITIATION_EPHEMERAL = 8;
    static final int INITIATION_STATIC = 40;
    static final int INITIATION_STATIC_LENGTH = 32 + ChaChaPoly.TAG_LENGTH;
    static final int INITIATION_TIMESTAMP = 88;
    static final int INITIATION_TIMESTAMP_LENGTH = Tai64n.LENGTH + ChaChaPoly.TAG_LENGTH;
    static final int INITIATION_MAC1 = 116;
    static final int INITIATION_MAC2 = 132;
    // response: type 4, sender 4, receiver 4, ephemeral 32, empty 0+16, mac1 16, mac2 16
    static final int RESPONSE_RECEIVER = 8;
    static final int RESPONSE_EPHEMERAL = 12;
    static final int RESPONSE_EMPTY = 44;
    static final int RESPONSE_MAC1 = 60;
    static final int RESPONSE_MAC2 = 76;
    // cookie reply: type 4, receiver 4, nonce 24, cookie 16+16
    static final int COOKIE_RECEIVER = 4;
    static final int COOKIE_NONCE = 8;
    static final int COOKIE_NONCE_LENGTH = 24;
    static final int COOKIE_SEALED = 32;
    static final int COOKIE_SEALED_LENGTH = 16 + ChaChaPoly.TAG_LENGTH;
    // transport: type 4, receiver 4, counter 8, sealed packet
    static final int TRANSPORT_RECEIVER = 4;
    static final int TRANSPORT_COUNTER = 8;

    private WireGuardMessages() {}

    /**
     * The type of the message filling the readable bytes of {@code buf}, after checking that
     * its length is the type's; throws {@link WireGuardFormatException} otherwise.
     */
    public static int check(ByteBuf buf) {
        int length = buf.readableBytes();
        if (length < 4) {
            throw new WireGuardFormatException("shorter than a message type: " + length + " bytes");
        }
        int start = buf.readerIndex();
        int type = buf.getUnsignedByte(start);
        if (buf.getUnsignedMedium(start + 1) != 0) {
            throw new WireGuardFormatException("reserved bytes after the type are not zero");
        }
        switch (type) {
            case INITIATION -> requireLength(length, INITIATION_LENGTH, "initiation");
            case RESPONSE -> requireLength(length, RESPONSE_LENGTH, "response");
            case COOKIE_REPLY -> requireLength(length, COOKIE_REPLY_LENGTH, "cookie reply");
            case TRANSPORT -> {
                if (length < TRANSPORT_MIN_LENGTH) {
                    throw new WireGuardFormatException(
                            "a transport message is at least " + TRANSPORT_MIN_LENGTH + " bytes, not " + length);
                }
            }
            default -> throw new WireGuardFormatException("unknown message type " + type);
        }
        return type;
    }

    private static void requireLength(int length, int expected, String name) {
        if (length != expected) {
            throw new WireGuardFormatException("a " + name + " is " + expected + " bytes, not " + length);
        }
    }

    /** Sender index of an initiation or response; receiver index of a cookie reply or transport message. */
    public static int senderIndex(ByteBuf buf) {
        return buf.getIntLE(buf.readerIndex() + SENDER_OFFSET);
    }

    public static int responseReceiverIndex(ByteBuf buf) {
        return buf.getIntLE(buf.readerIndex() + RESPONSE_RECEIVER);
    }

    public static int receiverIndex(ByteBuf buf) {
        return buf.getIntLE(buf.readerIndex() + TRANSPORT_RECEIVER);
    }

    public static long counter(ByteBuf buf) {
        return buf.getLongLE(buf.readerIndex() + TRANSPORT_COUNTER);
    }

    /** Writes the type and its reserved zeros at {@code offset}. */
    static void writeType(ByteBuf buf, int offset, int type) {
        buf.setIntLE(offset, type);
    }

    static byte[] bytes(ByteBuf buf, int offset, int length) {
        byte[] out = new byte[length];
        buf.getBytes(buf.readerIndex() + offset, out);
        return out;
    }
}
