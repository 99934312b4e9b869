package io.vpclab.dataplane.packet;

import io.netty.buffer.ByteBuf;

/**
 * DHCP message view (RFC 2131 s2, options RFC 2132) over the UDP payload at {@code offset}, of
 * {@code length} bytes: the fixed BOOTP fields, the magic cookie, then options read by
 * {@link #findOption}, which never reads past {@code length}. The writers build a reply in a
 * buffer the caller sized with {@link #MAX_REPLY_LENGTH}.
 */
public final class Dhcp {

    /** The server's and the client's UDP ports (RFC 2131 s4.1). */
    public static final int SERVER_PORT = 67;

    public static final int CLIENT_PORT = 68;

    /** op 1 + htype 1 + hlen 1 + hops 1 + xid 4 + secs 2 + flags 2 + 4 addresses x 4 + chaddr 16 + sname 64 + file 128. */
    public static final int FIXED_LENGTH = 236;
    /** The magic cookie 99.130.83.99 that starts the options (RFC 2131 s3). */
    public static final int MAGIC_COOKIE = 0x63825363;
    /** Offset of the first option: the fixed fields and the cookie. */
    public static final int OPTIONS_OFFSET = FIXED_LENGTH + 4;
    /** A BOOTP message is at least 300 bytes: some relays and old clients drop shorter ones (RFC 1542 s2.1). */
    public static final int MIN_MESSAGE_LENGTH = 300;
    /** The largest reply this data plane writes; every client accepts 576-byte IP datagrams (RFC 2131 s2). */
    public static final int MAX_REPLY_LENGTH = 576 - Ipv4.MIN_HEADER_LENGTH - Udp.HEADER_LENGTH;

    /** BOOTP op codes (RFC 951). */
    public static final int BOOTREQUEST = 1;

    public static final int BOOTREPLY = 2;
    /** The broadcast bit of the flags field: the client cannot take unicast before it has an address. */
    public static final int FLAG_BROADCAST = 0x8000;

    /** Option codes (RFC 2132). */
    public static final int OPTION_PAD = 0;

    public static final int OPTION_SUBNET_MASK = 1;
    public static final int OPTION_ROUTER = 3;
    public static final int OPTION_DNS = 6;
    public static final int OPTION_HOST_NAME = 12;
    public static final int OPTION_INTERFACE_MTU = 26;
    public static final int OPTION_BROADCAST_ADDRESS = 28;
    public static final int OPTION_REQUESTED_ADDRESS = 50;
    public static final int OPTION_LEASE_TIME = 51;
    public static final int OPTION_MESSAGE_TYPE = 53;
    public static final int OPTION_SERVER_IDENTIFIER = 54;
    public static final int OPTION_MESSAGE = 56;
    public static final int OPTION_RENEWAL_TIME = 58;
    public static final int OPTION_REBINDING_TIME = 59;
    public static final int OPTION_END = 255;

    /** {@link #findOption}: the option is absent. */
    public static final int ABSENT = -1;

    private static final String NAME = "DHCP";
    private static final int HTYPE_ETHERNET = 1;

    private Dhcp() {}

    /**
     * Checks the message is a whole BOOTP message over Ethernet with the magic cookie; throws
     * {@link PacketFormatException}. The options are checked as {@link #findOption} reads them.
     */
    public static void check(ByteBuf buf, int offset, int length) {
        if (length < OPTIONS_OFFSET) {
            throw PacketFormatException.truncated(NAME, offset, OPTIONS_OFFSET, length);
        }
        Packets.require(buf, offset, length, NAME);
        if (buf.getInt(offset + FIXED_LENGTH) != MAGIC_COOKIE) {
            throw PacketFormatException.invalid(NAME, "no magic cookie");
        }
        if (buf.getUnsignedByte(offset + 1) != HTYPE_ETHERNET || buf.getUnsignedByte(offset + 2) != 6) {
            throw PacketFormatException.invalid(NAME, "hardware address not Ethernet");
        }
    }

    public static int op(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset);
    }

    public static int transactionId(ByteBuf buf, int offset) {
        return buf.getInt(offset + 4);
    }

    public static int flags(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 10);
    }

    /** The client's own address, set only when it can already answer ARP for it (renewing, INFORM). */
    public static int clientAddress(ByteBuf buf, int offset) {
        return buf.getInt(offset + 12);
    }

    public static int yourAddress(ByteBuf buf, int offset) {
        return buf.getInt(offset + 16);
    }

    public static int serverAddress(ByteBuf buf, int offset) {
        return buf.getInt(offset + 20);
    }

    public static int relayAddress(ByteBuf buf, int offset) {
        return buf.getInt(offset + 24);
    }

    public static long clientMac(ByteBuf buf, int offset) {
        return Ethernet.mac(buf, offset + 28);
    }

    /**
     * The offset of option {@code code}'s length byte (its value follows), or {@link #ABSENT}.
     * Pads are skipped, the search stops at the end option; an option that runs past
     * {@code length} throws {@link PacketFormatException}. Options overloaded into the sname and
     * file fields (option 52) are not read: no client of this lab sends them.
     */
    public static int findOption(ByteBuf buf, int offset, int length, int code) {
        int at = offset + OPTIONS_OFFSET;
        int end = offset + length;
        while (at < end) {
            int current = buf.getUnsignedByte(at);
            if (current == OPTION_END) {
                return ABSENT;
            }
            if (current == OPTION_PAD) {
                at++;
                continue;
            }
            if (at + 1 >= end || at + 2 + buf.getUnsignedByte(at + 1) > end) {
                throw PacketFormatException.invalid(NAME, "option " + current + " runs past the message");
            }
            if (current == code) {
                return at + 1;
            }
            at += 2 + buf.getUnsignedByte(at + 1);
        }
        return ABSENT;
    }

    /** Option 53's value; a message without one (plain BOOTP) or with a bad length throws. */
    public static int messageType(ByteBuf buf, int offset, int length) {
        int option = findOption(buf, offset, length, OPTION_MESSAGE_TYPE);
        if (option == ABSENT || buf.getUnsignedByte(option) != 1) {
            throw PacketFormatException.invalid(NAME, "no message type (option 53)");
        }
        return buf.getUnsignedByte(option + 1);
    }

    /** A 4-byte address option's value (requested address, server identifier), or 0 when absent. */
    public static int addressOption(ByteBuf buf, int offset, int length, int code) {
        int option = findOption(buf, offset, length, code);
        if (option == ABSENT) {
            return 0;
        }
        if (buf.getUnsignedByte(option) != 4) {
            throw PacketFormatException.invalid(NAME, "option " + code + " is not one address");
        }
        return buf.getInt(option + 1);
    }

    /**
     * Writes the fixed fields of a reply to the request at {@code request} of {@code requestBuf}
     * (its transaction id, flags, relay address and client MAC), sname and file zero, then the
     * cookie; returns where the options start.
     */
    public static int writeReply(
            ByteBuf buf, int offset, ByteBuf requestBuf, int request, int clientAddress, int yourAddress) {
        buf.setZero(offset, OPTIONS_OFFSET);
        buf.setByte(offset, BOOTREPLY);
        buf.setByte(offset + 1, HTYPE_ETHERNET);
        buf.setByte(offset + 2, 6);
        buf.setInt(offset + 4, transactionId(requestBuf, request));
        buf.setShort(offset + 10, flags(requestBuf, request));
        buf.setInt(offset + 12, clientAddress);
        buf.setInt(offset + 16, yourAddress);
        buf.setInt(offset + 24, relayAddress(requestBuf, request));
        buf.setBytes(offset + 28, requestBuf, request + 28, 6);
        buf.setInt(offset + FIXED_LENGTH, MAGIC_COOKIE);
        return offset + OPTIONS_OFFSET;
    }

    /** Writes a one-byte option; returns the offset after it. */
    public static int writeByteOption(ByteBuf buf, int at, int code, int value) {
        buf.setByte(at, code);
        buf.setByte(at + 1, 1);
        buf.setByte(at + 2, value);
        return at + 3;
    }

    /** Writes a two-byte option (the interface MTU); returns the offset after it. */
    public static int writeShortOption(ByteBuf buf, int at, int code, int value) {
        buf.setByte(at, code);
        buf.setByte(at + 1, 2);
        buf.setShort(at + 2, value);
        return at + 4;
    }

    /** Writes a four-byte option (an address, a time in seconds); returns the offset after it. */
    public static int writeIntOption(ByteBuf buf, int at, int code, int value) {
        buf.setByte(at, code);
        buf.setByte(at + 1, 4);
        buf.setInt(at + 2, value);
        return at + 6;
    }

    /** Writes an option of up to 255 ASCII bytes (host name, message); returns the offset after it. */
    public static int writeTextOption(ByteBuf buf, int at, int code, byte[] text) {
        if (text.length > 255) {
            throw new IllegalArgumentException("a DHCP option holds at most 255 bytes, got " + text.length);
        }
        buf.setByte(at, code);
        buf.setByte(at + 1, text.length);
        buf.setBytes(at + 2, text);
        return at + 2 + text.length;
    }
}
