package io.vpclab.net;

/**
 * A 48-bit IEEE 802 MAC address, held as the low 48 bits of a {@code long} so that tables can
 * key on it without boxing.
 *
 * @param bits the address in the low 48 bits; the high 16 bits must be zero
 */
public record MacAddress(long bits) {

    /** Mask of the 48 address bits. */
    public static final long MASK = 0xFFFF_FFFF_FFFFL;

    /** ff:ff:ff:ff:ff:ff, the Ethernet broadcast address. */
    public static final MacAddress BROADCAST = new MacAddress(MASK);

    /** The I/G bit (least significant bit of the first octet): set on group addresses (IEEE 802-2014 s8.2). */
    private static final long GROUP_BIT = 0x0100_0000_0000L;

    public MacAddress {
        if ((bits & ~MASK) != 0) {
            throw new IllegalArgumentException("MAC address must fit in 48 bits: 0x" + Long.toHexString(bits));
        }
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with {@code -}); hex digits in either case. */
    public static MacAddress parse(String text) {
        if (text == null || text.length() != 17) {
            throw new IllegalArgumentException("MAC address must look like 02:00:0a:00:01:05: " + text);
        }
        char separator = text.charAt(2);
        if (separator != ':' && separator != '-') {
            throw new IllegalArgumentException("MAC address must look like 02:00:0a:00:01:05: " + text);
        }
        long bits = 0;
        for (int octet = 0; octet < 6; octet++) {
            int at = octet * 3;
            if (octet > 0 && text.charAt(at - 1) != separator) {
                throw new IllegalArgumentException("MAC address must look like 02:00:0a:00:01:05: " + text);
            }
            int high = Character.digit(text.charAt(at), 16);
            int low = Character.digit(text.charAt(at + 1), 16);
            if (high < 0 || low < 0) {
                throw new IllegalArgumentException("MAC address has a non-hex digit: " + text);
            }
            bits = (bits << 8) | (high << 4) | low;
        }
        return new MacAddress(bits);
    }

    /** True for group (multicast and broadcast) addresses. */
    public boolean isMulticast() {
        return isMulticast(bits);
    }

    /** Hot-path form of {@link #isMulticast()} on a raw 48-bit address. */
    public static boolean isMulticast(long bits) {
        return (bits & GROUP_BIT) != 0;
    }

    /** Lower-case colon form, as {@code ip link} prints it. */
    public static String format(long bits) {
        StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = (int) (bits >>> shift) & 0xFF;
            text.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
            if (shift > 0) {
                text.append(':');
            }
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return format(bits);
    }
}
