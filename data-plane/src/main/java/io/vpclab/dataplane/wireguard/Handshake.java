package io.vpclab.dataplane.wireguard;

import io.vpclab.net.WireGuardKeys;
import java.util.Arrays;

/** One peer's handshake state (wireguard-go noise-types.go Handshake). */
final class Handshake {

    enum State {
        ZEROED,
        INITIATION_CREATED,
        INITIATION_CONSUMED,
        RESPONSE_CREATED,
        RESPONSE_CONSUMED
    }

    final byte[] remoteStatic;
    /** DH(local static, remote static), computed once per peer. */
    final byte[] precomputedStaticStatic;
    /** Zeros when the peer has no preshared key (whitepaper s5.2). */
    final byte[] presharedKey;

    State state = State.ZEROED;
    byte[] hash;
    byte[] chainKey;
    byte[] localEphemeral;
    byte[] remoteEphemeral;
    int localIndex;
    int remoteIndex;
    /** The newest initiation timestamp accepted from this peer: older or equal ones are replays. */
    byte[] lastTimestamp;

    long lastInitiationConsumed = Long.MIN_VALUE;

    Handshake(byte[] localPrivate, byte[] remoteStatic, byte[] presharedKey) {
        this.remoteStatic = remoteStatic.clone();
        this.precomputedStaticStatic = WireGuardKeys.x25519(localPrivate, remoteStatic);
        this.presharedKey = presharedKey == null ? new byte[32] : presharedKey.clone();
    }

    void clearSecrets() {
        wipe(hash);
        wipe(chainKey);
        wipe(localEphemeral);
        hash = null;
        chainKey = null;
        localEphemeral = null;
        remoteEphemeral = null;
        state = State.ZEROED;
    }

    private static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
