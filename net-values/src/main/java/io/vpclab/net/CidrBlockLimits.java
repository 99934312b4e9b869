package io.vpclab.net;

/** Prefix lengths a VPC or subnet CIDR block may have: /16 to /28, as in AWS. */
public final class CidrBlockLimits {

    /** The largest block, a /16 (65,536 addresses). */
    public static final int SHORTEST_PREFIX = 16;
    /** The smallest block, a /28 (16 addresses, 11 usable after the five reserved). */
    public static final int LONGEST_PREFIX = 28;

    private CidrBlockLimits() {}

    public static boolean allows(int prefixLength) {
        return prefixLength >= SHORTEST_PREFIX && prefixLength <= LONGEST_PREFIX;
    }
}
