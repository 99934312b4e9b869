package io.vpclab.dataplane.packet;

/** DHCP message types, option 53 (RFC 2132 s9.6). */
public enum DhcpMessageType {
    DISCOVER(1),
    OFFER(2),
    REQUEST(3),
    DECLINE(4),
    ACK(5),
    NAK(6),
    RELEASE(7),
    INFORM(8);

    public static final int DISCOVER_VALUE = 1;
    public static final int OFFER_VALUE = 2;
    public static final int REQUEST_VALUE = 3;
    public static final int DECLINE_VALUE = 4;
    public static final int ACK_VALUE = 5;
    public static final int NAK_VALUE = 6;
    public static final int RELEASE_VALUE = 7;
    public static final int INFORM_VALUE = 8;

    private final int value;

    DhcpMessageType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static DhcpMessageType of(int value) {
        return switch (value) {
            case DISCOVER_VALUE -> DISCOVER;
            case OFFER_VALUE -> OFFER;
            case REQUEST_VALUE -> REQUEST;
            case DECLINE_VALUE -> DECLINE;
            case ACK_VALUE -> ACK;
            case NAK_VALUE -> NAK;
            case RELEASE_VALUE -> RELEASE;
            case INFORM_VALUE -> INFORM;
            default -> throw new IllegalArgumentException("unknown DHCP message type " + value);
        };
    }
}
