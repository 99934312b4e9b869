package io.vpclab.dataplane.packet;

/** ICMP message types the data plane and simulated hosts use (RFC 792). */
public enum IcmpType {
    ECHO_REPLY(0),
    DESTINATION_UNREACHABLE(3),
    ECHO_REQUEST(8),
    TIME_EXCEEDED(11);

    public static final int ECHO_REPLY_VALUE = 0;
    public static final int DESTINATION_UNREACHABLE_VALUE = 3;
    public static final int ECHO_REQUEST_VALUE = 8;
    public static final int TIME_EXCEEDED_VALUE = 11;

    private final int value;

    IcmpType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static IcmpType of(int value) {
        return switch (value) {
            case ECHO_REPLY_VALUE -> ECHO_REPLY;
            case DESTINATION_UNREACHABLE_VALUE -> DESTINATION_UNREACHABLE;
            case ECHO_REQUEST_VALUE -> ECHO_REQUEST;
            case TIME_EXCEEDED_VALUE -> TIME_EXCEEDED;
            default -> throw new IllegalArgumentException("unsupported ICMP type " + value);
        };
    }
}
