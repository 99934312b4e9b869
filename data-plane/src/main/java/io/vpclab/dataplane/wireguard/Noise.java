package io.vpclab.dataplane.wireguard;

import io.vpclab.net.WireGuardKeys;
import java.nio.charset.StandardCharsets;

/**
 * The Noise_IKpsk2 handshake of WireGuard (whitepaper s5.4.2-5.4.5): the steps of creating and
 * consuming an initiation and a response over a peer's {@link Handshake}, and the transport
 * keys they derive. Messages are byte arrays; mac1 and mac2 belong to the cookie classes.
 */
final class Noise {

    static final byte[] CONSTRUCTION = ascii("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s");
    static final byte[] IDENTIFIER = ascii("WireGuard v1 zx2c4 Jason@zx2c4.com");
    static final byte[] INITIAL_CHAIN_KEY = Blake2s.hash(CONSTRUCTION);
    static final byte[] INITIAL_HASH = Blake2s.hash(INITIAL_CHAIN_KEY, IDENTIFIER);
    private static final byte[] EMPTY = new byte[0];

    private Noise() {}

    /** The local static key pair. */
    record Identity(byte[] privateKey, byte[] publicKey) {
        static Identity of(byte[] privateKey) {
            return new Identity(privateKey.clone(), WireGuardKeys.publicKey(privateKey));
        }
    }

    /** Initiator, whitepaper s5.4.2: fills everything but the macs. */
    static byte[] createInitiation(Identity local, Handshake handshake, int localIndex, byte[] timestamp) {
        byte[] message = new byte[WireGuardMessages.INITIATION_LENGTH];
        message[0] = WireGuardMessages.INITIATION;
        putIntLE(message, WireGuardMessages.SENDER_OFFSET, localIndex);

        byte[] chainKey = INITIAL_CHAIN_KEY;
        byte[] hash = Blake2s.hash(INITIAL_HASH, handshake.remoteStatic);
        byte[] ephemeralPrivate = WireGuardKeys.generatePrivateKey();
        byte[] ephemeral = WireGuardKeys.publicKey(ephemeralPrivate);
        System.arraycopy(ephemeral, 0, message, WireGuardMessages.INITIATION_EPHEMERAL, 32);
        hash = Blake2s.hash(hash, ephemeral);
        chainKey = Blake2s.kdf(1, chainKey, ephemeral)[0];

        byte[][] keys = Blake2s.kdf(2, chainKey, WireGuardKeys.x25519(ephemeralPrivate, handshake.remoteStatic));
        chainKey = keys[0];
        byte[] sealedStatic = ChaChaPoly.seal(keys[1], 0, local.publicKey(), hash);
        System.arraycopy(sealedStatic, 0, message, WireGuardMessages.INITIATION_STATIC, sealedStatic.length);
        hash = Blake2s.hash(hash, sealedStatic);

        keys = Blake2s.kdf(2, chainKey, handshake.precomputedStaticStatic);
        chainKey = keys[0];
        byte[] sealedTimestamp = ChaChaPoly.seal(keys[1], 0, timestamp, hash);
        System.arraycopy(sealedTimestamp, 0, message, WireGuardMessages.INITIATION_TIMESTAMP, sealedTimestamp.length);
        hash = Blake2s.hash(hash, sealedTimestamp);

        handshake.hash = hash;
        handshake.chainKey = chainKey;
        handshake.localEphemeral = ephemeralPrivate;
        handshake.localIndex = localIndex;
        handshake.state = Handshake.State.INITIATION_CREATED;
        return message;
    }

    /** What the responder learns from an initiation before it knows the peer. */
    record Initiation(
            byte[] initiatorStatic, byte[] initiatorEphemeral, int senderIndex, byte[] hash, byte[] chainKey) {}

    /**
     * Responder, first half: decrypts the initiator's static key. Null when the message does
     * not decrypt under our key.
     */
    static Initiation openInitiation(Identity local, byte[] message) {
        byte[] chainKey = INITIAL_CHAIN_KEY;
        byte[] hash = Blake2s.hash(INITIAL_HASH, local.publicKey());
        byte[] ephemeral = slice(message, WireGuardMessages.INITIATION_EPHEMERAL, 32);
        hash = Blake2s.hash(hash, ephemeral);
        chainKey = Blake2s.kdf(1, chainKey, ephemeral)[0];
        byte[] sharedSecret;
        try {
            sharedSecret = WireGuardKeys.x25519(local.privateKey(), ephemeral);
        } catch (IllegalArgumentException lowOrderPoint) {
            return null;
        }
        byte[][] keys = Blake2s.kdf(2, chainKey, sharedSecret);
        chainKey = keys[0];
        byte[] sealedStatic =
                slice(message, WireGuardMessages.INITIATION_STATIC, WireGuardMessages.INITIATION_STATIC_LENGTH);
        byte[] initiatorStatic = ChaChaPoly.open(keys[1], 0, sealedStatic, hash);
        if (initiatorStatic == null) {
            return null;
        }
        hash = Blake2s.hash(hash, sealedStatic);
        return new Initiation(
                initiatorStatic, ephemeral, getIntLE(message, WireGuardMessages.SENDER_OFFSET), hash, chainKey);
    }

    /**
     * Responder, second half, once the static key named a peer: the timestamp. Returns the
     * decrypted timestamp and leaves the handshake untouched; null when it does not decrypt.
     * The caller checks replay and flood before {@link #acceptInitiation}.
     */
    static byte[] openTimestamp(Handshake handshake, Initiation initiation, byte[] message, byte[][] stateOut) {
        byte[][] keys = Blake2s.kdf(2, initiation.chainKey(), handshake.precomputedStaticStatic);
        byte[] sealedTimestamp =
                slice(message, WireGuardMessages.INITIATION_TIMESTAMP, WireGuardMessages.INITIATION_TIMESTAMP_LENGTH);
        byte[] timestamp = ChaChaPoly.open(keys[1], 0, sealedTimestamp, initiation.hash());
        if (timestamp == null) {
            return null;
        }
        stateOut[0] = keys[0];
        stateOut[1] = Blake2s.hash(initiation.hash(), sealedTimestamp);
        return timestamp;
    }

    static void acceptInitiation(
            Handshake handshake, Initiation initiation, byte[][] state, byte[] timestamp, long now) {
        handshake.chainKey = state[0];
        handshake.hash = state[1];
        handshake.remoteEphemeral = initiation.initiatorEphemeral();
        handshake.remoteIndex = initiation.senderIndex();
        handshake.lastTimestamp = timestamp;
        handshake.lastInitiationConsumed = now;
        handshake.state = Handshake.State.INITIATION_CONSUMED;
    }

    /** Responder, whitepaper s5.4.3: fills everything but the macs. */
    static byte[] createResponse(Handshake handshake, int localIndex) {
        byte[] message = new byte[WireGuardMessages.RESPONSE_LENGTH];
        message[0] = WireGuardMessages.RESPONSE;
        putIntLE(message, WireGuardMessages.SENDER_OFFSET, localIndex);
        putIntLE(message, WireGuardMessages.RESPONSE_RECEIVER, handshake.remoteIndex);

        byte[] ephemeralPrivate = WireGuardKeys.generatePrivateKey();
        byte[] ephemeral = WireGuardKeys.publicKey(ephemeralPrivate);
        System.arraycopy(ephemeral, 0, message, WireGuardMessages.RESPONSE_EPHEMERAL, 32);
        byte[] hash = Blake2s.hash(handshake.hash, ephemeral);
        byte[] chainKey = Blake2s.kdf(1, handshake.chainKey, ephemeral)[0];
        chainKey = Blake2s.kdf(1, chainKey, WireGuardKeys.x25519(ephemeralPrivate, handshake.remoteEphemeral))[0];
        chainKey = Blake2s.kdf(1, chainKey, WireGuardKeys.x25519(ephemeralPrivate, handshake.remoteStatic))[0];
        byte[][] keys = Blake2s.kdf(3, chainKey, handshake.presharedKey);
        chainKey = keys[0];
        hash = Blake2s.hash(hash, keys[1]);
        byte[] sealedEmpty = ChaChaPoly.seal(keys[2], 0, EMPTY, hash);
        System.arraycopy(sealedEmpty, 0, message, WireGuardMessages.RESPONSE_EMPTY, sealedEmpty.length);
        hash = Blake2s.hash(hash, sealedEmpty);

        handshake.hash = hash;
        handshake.chainKey = chainKey;
        handshake.localIndex = localIndex;
        handshake.state = Handshake.State.RESPONSE_CREATED;
        return message;
    }

    /** Initiator, consuming the response; false (the handshake untouched) when it does not verify. */
    static boolean consumeResponse(Identity local, Handshake handshake, byte[] message) {
        if (handshake.state != Handshake.State.INITIATION_CREATED) {
            return false;
        }
        byte[] ephemeral = slice(message, WireGuardMessages.RESPONSE_EPHEMERAL, 32);
        byte[] hash = Blake2s.hash(handshake.hash, ephemeral);
        byte[] chainKey = Blake2s.kdf(1, handshake.chainKey, ephemeral)[0];
        try {
            chainKey = Blake2s.kdf(1, chainKey, WireGuardKeys.x25519(handshake.localEphemeral, ephemeral))[0];
            chainKey = Blake2s.kdf(1, chainKey, WireGuardKeys.x25519(local.privateKey(), ephemeral))[0];
        } catch (IllegalArgumentException lowOrderPoint) {
            return false;
        }
        byte[][] keys = Blake2s.kdf(3, chainKey, handshake.presharedKey);
        chainKey = keys[0];
        hash = Blake2s.hash(hash, keys[1]);
        byte[] sealedEmpty = slice(message, WireGuardMessages.RESPONSE_EMPTY, ChaChaPoly.TAG_LENGTH);
        if (ChaChaPoly.open(keys[2], 0, sealedEmpty, hash) == null) {
            return false;
        }
        handshake.hash = Blake2s.hash(hash, sealedEmpty);
        handshake.chainKey = chainKey;
        handshake.remoteIndex = getIntLE(message, WireGuardMessages.SENDER_OFFSET);
        handshake.state = Handshake.State.RESPONSE_CONSUMED;
        return true;
    }

    /**
     * The transport keys (whitepaper s5.4.5): the initiator sends with the first, the responder
     * with the second. Zeroes the handshake's secrets.
     */
    static Keypair deriveKeypair(Handshake handshake, long now) {
        boolean initiator = handshake.state == Handshake.State.RESPONSE_CONSUMED;
        byte[][] keys = Blake2s.kdf(2, handshake.chainKey, EMPTY);
        Keypair keypair = initiator
                ? new Keypair(keys[0], keys[1], true, handshake.localIndex, handshake.remoteIndex, now)
                : new Keypair(keys[1], keys[0], false, handshake.localIndex, handshake.remoteIndex, now);
        handshake.clearSecrets();
        return keypair;
    }

    static byte[] slice(byte[] message, int offset, int length) {
        byte[] out = new byte[length];
        System.arraycopy(message, offset, out, 0, length);
        return out;
    }

    static void putIntLE(byte[] out, int offset, int value) {
        for (int i = 0; i < 4; i++) {
            out[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    static int getIntLE(byte[] in, int offset) {
        return (in[offset] & 0xFF)
                | (in[offset + 1] & 0xFF) << 8
                | (in[offset + 2] & 0xFF) << 16
                | (in[offset + 3] & 0xFF) << 24;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
