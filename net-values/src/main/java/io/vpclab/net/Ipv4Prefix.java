package io.vpclab.net;

/**
 * An IPv4 prefix such as {@code 10.0.1.0/24}, masked on construction ({@code 10.1.2.3/16} becomes
 * {@code 10.1.0.0/16}). The network is a big-endian {@code int}, the form packet views read from
 * the wire; {@link #first()}, {@link #last()} and {@link #size()} give it as unsigned values in a
 * {@code long}, so that ranges compare with plain arithmetic.
 *
 * <p>Text is parsed strictly: {@code a.b.c.d/n} in decimal without leading zeros (which other
 * parsers read as octal), signs or spaces, so that an address is written one way only.
 *
 * @param network the network address (host bits zero)
 * @param length  the prefix length, 0..32
 */
public record Ipv4Prefix(int network, int length) {

    /** Longer than any canonical spelling of an IPv4 block ("255.255.255.255/32" is 18). */
    private static final int MAX_TEXT = 18;

    private static final String CANONICAL = "in canonical form (a.b.c.d/n: decimal, no leading zeros, no spaces)";
    private static final String CANONICAL_ADDRESS = "in canonical form (a.b.c.d: decimal, no leading zeros, no spaces)";

    public Ipv4Prefix {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length " + length + " is outside 0..32");
        }
        network &= mask(length);
    }

    /** A prefix from an unsigned network address, e.g. one stored as a BIGINT. */
    public static Ipv4Prefix of(long network, int length) {
        return new Ipv4Prefix((int) network, length);
    }

    /**
     * Parses {@code a.b.c.d/n} strictly; host bits are cleared.
     *
     * @throws IllegalArgumentException for anything else, with a message that quotes the text
     *     and says what the canonical form is
     */
    public static Ipv4Prefix parse(String text) {
        Ipv4Prefix prefix = parseOrNull(text);
        if (prefix == null) {
            throw new IllegalArgumentException("'" + shortened(text) + "' is not an IPv4 CIDR block " + CANONICAL);
        }
        return prefix;
    }

    /** Like {@link #parse} but null for anything that is not a canonical {@code a.b.c.d/n}. */
    public static Ipv4Prefix parseOrNull(String text) {
        if (text == null || text.length() > MAX_TEXT) {
            return null;
        }
        int slash = text.indexOf('/');
        Long address = slash < 0 ? null : parseAddress(text.substring(0, slash));
        int length = slash < 0 ? -1 : decimal(text, slash + 1, text.length(), 32);
        return address == null || length < 0 ? null : of(address, length);
    }

    /**
     * Parses a dotted-quad IPv4 address into its unsigned value; null when it is not one in
     * canonical form (four decimal octets 0..255 without leading zeros, nothing around them).
     */
    public static Long parseAddress(String text) {
        if (text == null || text.length() > MAX_TEXT) {
            return null;
        }
        long value = 0;
        int start = 0;
        for (int octet = 0; octet < 4; octet++) {
            int end = octet < 3 ? text.indexOf('.', start) : text.length();
            int parsed = end < 0 ? -1 : decimal(text, start, end, 255);
            if (parsed < 0) {
                return null;
            }
            value = (value << 8) | parsed;
            start = end + 1;
        }
        return value;
    }

    /** The refusal for text that {@link #parseAddress} does not accept, quoting it. */
    public static String notAnAddress(String text) {
        return "'" + shortened(text) + "' is not an IPv4 address " + CANONICAL_ADDRESS;
    }

    /** Dotted-quad text of an address; the low 32 bits count, so an {@code int} works as well. */
    public static String formatAddress(long address) {
        return ((address >>> 24) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF);
    }

    /** The netmask for a prefix length: /0 is 0, /32 is all ones. */
    public static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /** The decimal number in text[from, to) if it is canonical (no sign, no leading zero) and at most max; else -1. */
    private static int decimal(String text, int from, int to, int max) {
        int length = to - from;
        if (length < 1 || length > 3 || (length > 1 && text.charAt(from) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }

    private static String shortened(String text) {
        return text == null || text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    /** The network address, unsigned. */
    public long first() {
        return Integer.toUnsignedLong(network);
    }

    /** The last address of the block (the broadcast address of a subnet), unsigned. */
    public long last() {
        return first() + size() - 1;
    }

    public long size() {
        return 1L << (32 - length);
    }

    /** Whether a wire-form address is inside; the hot path's form. */
    public boolean contains(int address) {
        return (address & mask(length)) == network;
    }

    /** Whether an unsigned address is inside; values outside 0..2^32-1 never are. */
    public boolean contains(long address) {
        return address >= first() && address <= last();
    }

    public boolean contains(Ipv4Prefix inner) {
        return inner.length >= length && contains(inner.network);
    }

    public boolean overlaps(Ipv4Prefix other) {
        return contains(other) || other.contains(this);
    }

    @Override
    public String toString() {
        return formatAddress(network) + "/" + length;
    }
}
