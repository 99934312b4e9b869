package io.vpclab.net;

/**
 * A VXLAN Network Identifier, 24 bits unsigned (RFC 7348 s5). Configuration accepts
 * 1..16,777,215; the wire codec also reads 0, which no segment ever uses. The range is checked
 * here and only here: other code calls {@link #isValid(long)} or constructs one.
 *
 * @param value 1..0xFFFFFF
 */
public record Vni(int value) {

    public static final int MIN = 1;
    /** The largest 24-bit value, 16,777,215. */
    public static final int MAX = 0xFF_FFFF;
    /** The range as configuration and error messages write it. */
    public static final String RANGE = MIN + ".." + MAX;

    public Vni {
        if (!isValid(value)) {
            throw new IllegalArgumentException("VNI must be " + RANGE + ": " + Integer.toUnsignedString(value));
        }
    }

    public static Vni of(int value) {
        return new Vni(value);
    }

    /** True for 1..16,777,215; takes a long so that callers holding wider numbers need no cast. */
    public static boolean isValid(long value) {
        return value >= MIN && value <= MAX;
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
