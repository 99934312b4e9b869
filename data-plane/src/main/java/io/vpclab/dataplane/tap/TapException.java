package io.vpclab.dataplane.tap;

/** A TAP device could not be opened, attached or registered; the message says why. */
public final class TapException extends RuntimeException {

    public TapException(String message) {
        super(message);
    }

    public TapException(String message, Throwable cause) {
        super(message, cause);
    }
}
