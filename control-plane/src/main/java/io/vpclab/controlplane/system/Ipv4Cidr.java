package io.vpclab.controlplane.system;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;

/**
 * An IPv4 prefix block, canonical on construction ({@code 10.1.2.3/16} becomes {@code 10.1.0.0/16}).
 * Addresses are unsigned 32-bit values held in a long, so ranges compare with plain arithmetic
 * and are stored as two BIGINT columns that an index can range-scan.
 */
public record Ipv4Cidr(long network, int prefixLength) {

    private static final IPAddressStringParameters IPV4_WITH_PREFIX = new IPAddressStringParameters.Builder()
            .allowIPv6(false).allowEmpty(false).allowSingleSegment(false).allowWildcardedSeparator(false)
            .setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE)
            .getIPv4AddressParametersBuilder().allow_inet_aton(false).getParentBuilder()
            .toParams();

    /** Longer than any spelling of an IPv4 block with spaces around it; refused before parsing. */
    private static final int MAX_TEXT = 64;

    public Ipv4Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0..32");
        }
        network = network & mask(prefixLength);
    }

    /**
     * Parses {@code a.b.c.d/n}; host bits are cleared. Anything else (no prefix, IPv6, ranges,
     * garbage) is 400 InvalidParameterValue.
     */
    public static Ipv4Cidr parse(String text, String parameterName) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("MissingParameter", parameterName + " is required");
        }
        if (text.length() > MAX_TEXT) {
            throw ApiException.invalidParameter(parameterName + " is too long to be an IPv4 CIDR block");
        }
        IPAddress address;
        try {
            address = new IPAddressString(text.trim(), IPV4_WITH_PREFIX).toAddress();
        } catch (AddressStringException | RuntimeException e) {
            throw ApiException.invalidParameter(parameterName + " '" + text + "' is not an IPv4 CIDR block (a.b.c.d/n)");
        }
        Integer prefix = address.getNetworkPrefixLength();
        if (!address.isIPv4() || prefix == null) {
            throw ApiException.invalidParameter(parameterName + " '" + text + "' is not an IPv4 CIDR block (a.b.c.d/n)");
        }
        return new Ipv4Cidr(address.getLower().getValue().longValue(), prefix);
    }

    /** Parses a dotted-quad IPv4 address into its unsigned value; null when it is not one. */
    public static Long parseAddress(String text) {
        if (text == null || text.length() > MAX_TEXT) {
            return null;
        }
        IPAddress address;
        try {
            address = new IPAddressString(text.trim(), IPV4_WITH_PREFIX).getAddress();
        } catch (RuntimeException e) {
            // The library throws on some inputs (found by fuzzing: "x/5555...5" overflows an array index).
            return null;
        }
        if (address == null || !address.isIPv4() || address.isPrefixed() || address.isMultiple()) {
            return null;
        }
        return address.getValue().longValue();
    }

    public static String formatAddress(long value) {
        return ((value >>> 24) & 0xFF) + "." + ((value >>> 16) & 0xFF) + "." + ((value >>> 8) & 0xFF) + "." + (value & 0xFF);
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
