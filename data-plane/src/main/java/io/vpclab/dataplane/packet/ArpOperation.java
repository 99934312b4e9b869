package io.vpclab.dataplane.packet;

/** ARP opcodes (RFC 826). */
public enum ArpOperation {
    REQUEST(1),
    REPLY(2);

    public static final int REQUEST_VALUE = 1;
    public static final int REPLY_VALUE = 2;

    private final int value;

    ArpOperation(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static ArpOperation of(int value) {
        return switch (value) {
            case REQUEST_VALUE -> REQUEST;
            case REPLY_VALUE -> REPLY;
            default -> throw new IllegalArgumentException("unknown ARP operation " + value);
        };
    }
}
