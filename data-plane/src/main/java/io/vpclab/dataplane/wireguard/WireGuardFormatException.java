package io.vpclab.dataplane.wireguard;

/** A datagram that is no well-formed WireGuard message; the message says why. */
public final class WireGuardFormatException extends RuntimeException {

    public WireGuardFormatException(String reason) {
        super(reason, null, false, false);
    }
}
