package io.vpclab.agent.port;

/** A port's device, namespace or addressing could not be set up; the message says which step and why. */
public final class PortSetupException extends RuntimeException {

    public PortSetupException(String message) {
        super(message);
    }

    public PortSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
