package io.vpclab.dataplane.packet;

/**
 * A packet that is too short for a header or breaks a header's rules. It carries no stack trace:
 * it describes untrusted input, not a bug, and a flood of bad packets must stay cheap.
 */
public final class PacketFormatException extends RuntimeException {

    private PacketFormatException(String message) {
        super(message, null, false, false);
    }

    /** The one truncation message format used by every view. */
    public static PacketFormatException truncated(String header, int offset, int needed, int available) {
        return new PacketFormatException(header + " truncated: needs " + needed + " bytes at offset " + offset + ", "
                + available + " available");
    }

    public static PacketFormatException invalid(String header, String reason) {
        return new PacketFormatException(header + " invalid: " + reason);
    }
}
