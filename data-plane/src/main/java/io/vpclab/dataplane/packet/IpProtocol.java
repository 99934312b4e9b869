package io.vpclab.dataplane.packet;

/** IP protocol numbers the data plane handles (IANA protocol numbers registry). */
public enum IpProtocol {
    ICMP(1),
    TCP(6),
    UDP(17);

    public static final int ICMP_VALUE = 1;
    public static final int TCP_VALUE = 6;
    public static final int UDP_VALUE = 17;

    private final int value;

    IpProtocol(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static IpProtocol of(int value) {
        return switch (value) {
            case ICMP_VALUE -> ICMP;
            case TCP_VALUE -> TCP;
            case UDP_VALUE -> UDP;
            default -> throw new IllegalArgumentException("unsupported IP protocol " + value);
        };
    }
}
