package io.vpclab.net;

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

    /** Parses dotted-quad text strictly, as {@link #parseBits} does. */
    public static Ipv4Address parse(String text) {
        return new Ipv4Address(parseBits(text));
    }

    /**
     * Parse to the raw {@code int} form, by the one strict parser of {@link Ipv4Prefix}: four
     * decimal octets 0..255, no leading zeros, signs or spaces.
     */
    public static int parseBits(String text) {
        if (text == null) {
            throw new IllegalArgumentException("IPv4 address is missing");
        }
        Long bits = Ipv4Prefix.parseAddress(text);
        if (bits == null) {
            throw new IllegalArgumentException(Ipv4Prefix.notAnAddress(text));
        }
        return bits.intValue();
    }

    public static String format(int bits) {
        return Ipv4Prefix.formatAddress(bits);
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
