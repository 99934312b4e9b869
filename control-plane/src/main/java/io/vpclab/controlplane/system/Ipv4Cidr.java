package io.vpclab.controlplane.system;

/**
 * An IPv4 prefix block, canonical on construction ({@code 10.1.2.3/16} becomes {@code 10.1.0.0/16}).
 * Addresses are unsigned 32-bit values held in a long, so ranges compare with plain arithmetic
 * and are stored as two BIGINT columns that an index can range-scan.
 */
public record Ipv4Cidr(long network, int prefixLength) {

    /** Longer than any canonical spelling of an IPv4 block ("255.255.255.255/32" is 18). */
    private static final int MAX_TEXT = 18;

    private static final String CANONICAL = "in canonical form (a.b.c.d/n: decimal, no leading zeros, no spaces)";

    public Ipv4Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0..32");
        }
        network = network & mask(prefixLength);
    }

    /**
     * Parses {@code a.b.c.d/n}; host bits are cleared. Anything else (no prefix, IPv6, ranges,
     * leading zeros that other parsers read as octal, surrounding spaces, garbage) is 400
     * InvalidParameterValue: an address means one thing only.
     */
    public static Ipv4Cidr parse(String text, String parameterName) {
        if (text == null || text.isEmpty()) {
            throw ApiException.badRequest("MissingParameter", parameterName + " is required");
        }
        int slash = text.indexOf('/');
        Long address = slash < 0 || text.length() > MAX_TEXT ? null : parseAddress(text.substring(0, slash));
        int prefix = slash < 0 ? -1 : decimal(text, slash + 1, text.length(), 32);
        if (address == null || prefix < 0) {
            throw ApiException.invalidParameter(
                    parameterName + " '" + shortened(text) + "' is not an IPv4 CIDR block " + CANONICAL);
        }
        return new Ipv4Cidr(address, prefix);
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

    /** Like {@link #parseAddress}, but an absent or malformed address is a 400 that names the parameter. */
    public static long requireAddress(String text, String parameterName) {
        if (text == null) {
            throw ApiException.badRequest("MissingParameter", parameterName + " is required");
        }
        Long address = parseAddress(text);
        if (address == null) {
            throw ApiException.invalidParameter(parameterName + " '" + shortened(text) + "' is not an IPv4 address "
                    + "in canonical form (a.b.c.d: decimal, no leading zeros, no spaces)");
        }
        return address;
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
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    public static String formatAddress(long value) {
        return ((value >>> 24) & 0xFF) + "." + ((value >>> 16) & 0xFF) + "." + ((value >>> 8) & 0xFF) + "."
                + (value & 0xFF);
    }

    private static long mask(int prefixLength) {
        return prefixLength == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
    }

    public long first() {
        return network;
    }

    public long last() {
        return network + size() - 1;
    }

    public long size() {
        return 1L << (32 - prefixLength);
    }

    public boolean contains(Ipv4Cidr other) {
        return other.first() >= first() && other.last() <= last();
    }

    public boolean contains(long address) {
        return address >= first() && address <= last();
    }

    public boolean overlaps(Ipv4Cidr other) {
        return first() <= other.last() && other.first() <= last();
    }

    @Override
    public String toString() {
        return formatAddress(network) + "/" + prefixLength;
    }
}
