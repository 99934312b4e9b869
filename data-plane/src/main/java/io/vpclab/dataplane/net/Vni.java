package io.vpclab.dataplane.net;

/**
 * A VXLAN Network Identifier, 24 bits unsigned (RFC 7348 s5). Configuration accepts
 * 1..16,777,215; the wire codec also reads 0, which no segment ever uses.
 *
 * @param value 1..0xFFFFFF
 */
public record Vni(int value) {

    public static final int MIN = 1;
    public static final int MAX = 0xFF_FFFF;

    public Vni {
        if (value < MIN || value > MAX) {
            throw new IllegalArgumentException("VNI must be 1..16777215: " + Integer.toUnsignedString(value));
        }
    }

    public static Vni of(int value) {
        return new Vni(value);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
