package io.vpclab.dataplane.packet;

/** EtherType values the data plane handles (IEEE 802 numbers registry). */
public enum EtherType {
    IPV4(0x0800),
    ARP(0x0806),
    VLAN(0x8100),
    IPV6(0x86DD);

    public static final int IPV4_VALUE = 0x0800;
    public static final int ARP_VALUE = 0x0806;
    public static final int VLAN_VALUE = 0x8100;
    public static final int IPV6_VALUE = 0x86DD;

    private final int value;

    EtherType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The EtherType with this wire value; an unknown one is refused with its hex value. */
    public static EtherType of(int value) {
        return switch (value) {
            case IPV4_VALUE -> IPV4;
            case ARP_VALUE -> ARP;
            case VLAN_VALUE -> VLAN;
            case IPV6_VALUE -> IPV6;
            default -> throw new IllegalArgumentException("unknown EtherType 0x" + Integer.toHexString(value));
        };
    }
}
