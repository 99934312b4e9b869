package io.vpclab.net;

/** VLAN IDs usable on a link (IEEE 802.1Q s9.6: 0 means "no VLAN" and 4095 is reserved). */
public final class VlanSpec {

    public static final int MIN_ID = 1;
    public static final int MAX_ID = 4094;
    /** The range as configuration and error messages write it. */
    public static final String RANGE = MIN_ID + ".." + MAX_ID;

    private VlanSpec() {}

    public static boolean isValidId(long id) {
        return id >= MIN_ID && id <= MAX_ID;
    }
}
