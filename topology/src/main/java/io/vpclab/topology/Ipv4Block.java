package io.vpclab.topology;

/**
 * An IPv4 prefix written in canonical form (host bits clear), as the API stores it. Parsing
 * returns null for anything else, so callers report the problem where it was written.
 */
record Ipv4Block(long network, int prefix) {

    static Ipv4Block parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return null;
        }
        Long address = address(cidr.substring(0, slash));
        Integer prefix = smallNumber(cidr.substring(slash + 1), 32);
        if (address == null || prefix == null) {
            return null;
        }
        return new Ipv4Block(address, prefix);
    }

    /** Dotted quad to its 32-bit value, or null. */
    static Long address(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            return null;
        }
        long value = 0;
        for (String octet : octets) {
            Integer number = smallNumber(octet, 255);
            if (number == null) {
                return null;
            }
            value = value << 8 | number;
        }
        return value;
    }

    private static Integer smallNumber(String text, int max) {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int value = Integer.parseInt(text);
        return value <= max ? value : null;
    }

    long size() {
        return 1L << (32 - prefix);
    }

    long mask() {
        return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    }

    boolean canonical() {
        return (network & ~mask() & 0xFFFF_FFFFL) == 0;
    }

    boolean contains(long address) {
        return (address & mask()) == network;
    }

    boolean contains(Ipv4Block inner) {
        return inner.prefix >= prefix && contains(inner.network);
    }

    boolean overlaps(Ipv4Block other) {
        return contains(other) || other.contains(this);
    }

    /** Network, gateway, two more and broadcast are reserved in every subnet, as in AWS. */
    boolean reservedInSubnet(long address) {
        long offset = address - network;
        return offset <= 3 || offset == size() - 1;
    }

    String canonicalText() {
        return text(network & mask()) + "/" + prefix;
    }

    static String text(long address) {
        return (address >>> 24 & 0xFF) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "."
                + (address & 0xFF);
    }

    @Override
    public String toString() {
        return text(network) + "/" + prefix;
    }
}
