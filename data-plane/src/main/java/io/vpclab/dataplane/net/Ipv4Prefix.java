package io.vpclab.dataplane.net;

/**
 * An IPv4 prefix such as {@code 10.0.1.0/24}. The address is masked on construction, so
 * {@code 10.0.1.7/24} and {@code 10.0.1.0/24} are the same value.
 *
 * @param network the network address (host bits zero)
 * @param length  the prefix length, 0..32
 */
public record Ipv4Prefix(int network, int length) {

    public Ipv4Prefix {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32: " + length);
        }
        network &= mask(length);
    }

    /** Parses {@code a.b.c.d/n}. */
    public static Ipv4Prefix parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("prefix must look like 10.0.1.0/24: " + text);
        }
        int length;
        try {
            length = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("prefix length is not a number: " + text);
        }
        return new Ipv4Prefix(Ipv4Address.parseBits(text.substring(0, slash)), length);
    }

    /** The netmask for a prefix length: /0 is 0, /32 is all ones. */
    public static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    public boolean contains(int address) {
        return (address & mask(length)) == network;
    }

    public boolean contains(Ipv4Address address) {
        return contains(address.bits());
    }

    @Override
    public String toString() {
        return Ipv4Address.format(network) + "/" + length;
    }
}
