package io.vpclab.dataplane.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 address held as a big-endian {@code int}, the form packet views read from the wire.
 *
 * @param bits the address, most significant octet first
 */
public record Ipv4Address(int bits) {

    /** 0.0.0.0, the "unspecified" address (RFC 1122 s3.2.1.3), e.g. the sender of an ARP probe. */
    public static final Ipv4Address ANY = new Ipv4Address(0);

    /** Parses dotted-quad text strictly: four decimal octets 0..255, no leading sign or spaces. */
    public static Ipv4Address parse(String text) {
        return new Ipv4Address(parseBits(text));
    }

    /** Hot-path-free parse to the raw {@code int} form. */
    public static int parseBits(String text) {
        if (text == null) {
            throw new IllegalArgumentException("IPv4 address is missing");
        }
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException("IPv4 address must be four dotted octets: " + text);
        }
        int bits = 0;
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("IPv4 address must be four dotted octets: " + text);
            }
            int value = Integer.parseInt(octet);
            if (value > 255) {
                throw new IllegalArgumentException("IPv4 octet above 255 in " + text);
            }
            bits = (bits << 8) | value;
        }
        return bits;
    }

    public static String format(int bits) {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
    }

    /**
     * The raw form of an {@link InetAddress} without allocating: {@link Inet4Address#hashCode()}
     * is specified by the JDK to be the address itself, unlike {@code getAddress()} which clones
     * a byte array. Returns 0 for anything that is not IPv4.
     */
    public static int bitsOf(InetAddress address) {
        return address instanceof Inet4Address ? address.hashCode() : 0;
    }

    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(
                    new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public String toString() {
        return format(bits);
    }
}
