package io.vpclab.dataplane.wireguard;

import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.util.Arrays;

/**
 * AEAD(key, counter, plaintext, authtext) of the whitepaper (s5.4): ChaCha20-Poly1305 as RFC 8439
 * s2.8 composes it, over BouncyCastle's ChaCha20 ({@link ChaCha7539Engine}) and
 * {@link Poly1305}, with a 96-bit nonce of 32 zero bits and the little-endian 64-bit counter.
 *
 * <p>One instance holds one key and is reused for every message of a session (one thread): only
 * the nonce changes, written into the engine's state, and the one-time Poly1305 key is derived
 * into a buffer of this instance, so a message allocates nothing. BouncyCastle's own
 * {@code ChaCha20Poly1305} class would allocate per message (a parameters object at each init and
 * the one-time key's block and {@code KeyParameter}), and the JDK's {@code Cipher} copies the
 * input when decrypting at an offset. The static methods serve the handshake's one-shot uses.
 */
final class ChaChaPoly {

    static final int TAG_LENGTH = 16;
    static final int NONCE_LENGTH = 12;
    private static final int KEY_LENGTH = 32;
    private static final int BLOCK = 64;
    private static final byte[] ZEROES = new byte[BLOCK];

    private final NonceEngine chacha;
    private final Poly1305 poly1305 = new Poly1305();
    /** The one-time Poly1305 key (RFC 8439 s2.6) lives in this parameter's own array, refilled per message. */
    private final KeyParameter oneTimeKey = new KeyParameter(new byte[KEY_LENGTH]);

    private final byte[] nonce = new byte[NONCE_LENGTH];
    private final byte[] block = new byte[BLOCK];
    private final byte[] lengths = new byte[16];
    private final byte[] tag = new byte[TAG_LENGTH];

    ChaChaPoly(byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a ChaCha20-Poly1305 key is 32 bytes");
        }
        this.chacha = new NonceEngine(key);
    }

    /** Seals {@code length} bytes of {@code in} into {@code out} (length + 16 bytes); returns the bytes written. */
    int seal(long counter, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        return seal(counterNonce(counter), null, in, inOffset, length, out, outOffset);
    }

    /**
     * Opens {@code length} sealed bytes (ciphertext and tag) into {@code out}; returns the plaintext
     * length, or -1 when the tag does not verify (then nothing is written). In place is allowed.
     */
    int open(long counter, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        return open(counterNonce(counter), null, in, inOffset, length, out, outOffset);
    }

    private int seal(byte[] nonce, byte[] authText, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        start(nonce, authText);
        chacha.processBytes(in, inOffset, length, out, outOffset);
        authenticate(authText, out, outOffset, length);
        poly1305.doFinal(out, outOffset + length);
        return length + TAG_LENGTH;
    }

    private int open(byte[] nonce, byte[] authText, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (length < TAG_LENGTH) {
            return -1;
        }
        int cipherLength = length - TAG_LENGTH;
        start(nonce, authText);
        authenticate(authText, in, inOffset, cipherLength);
        poly1305.doFinal(tag, 0);
        if (!Arrays.constantTimeAreEqual(TAG_LENGTH, tag, 0, in, inOffset + cipherLength)) {
            return -1;
        }
        chacha.processBytes(in, inOffset, cipherLength, out, outOffset);
        return cipherLength;
    }

    /** Sets the nonce, derives the one-time key from block 0 and leaves the keystream at block 1. */
    private void start(byte[] nonce, byte[] authText) {
        chacha.restart(nonce);
        chacha.processBytes(ZEROES, 0, BLOCK, block, 0);
        System.arraycopy(block, 0, oneTimeKey.getKey(), 0, KEY_LENGTH);
        poly1305.init(oneTimeKey);
    }

    /** Poly1305 over aad | pad16 | ciphertext | pad16 | len(aad) | len(ciphertext) (RFC 8439 s2.8). */
    private void authenticate(byte[] authText, byte[] cipherText, int offset, int length) {
        int authLength = authText == null ? 0 : authText.length;
        if (authLength > 0) {
            poly1305.update(authText, 0, authLength);
            pad16(authLength);
        }
        poly1305.update(cipherText, offset, length);
        pad16(length);
        for (int i = 0; i < 8; i++) {
            lengths[i] = (byte) ((long) authLength >>> (8 * i));
            lengths[8 + i] = (byte) ((long) length >>> (8 * i));
        }
        poly1305.update(lengths, 0, lengths.length);
    }

    private void pad16(int length) {
        int rest = length % 16;
        if (rest != 0) {
            poly1305.update(ZEROES, 0, 16 - rest);
        }
    }

    private byte[] counterNonce(long counter) {
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        return nonce;
    }

    /** ChaCha20 whose nonce changes without a new parameters object (the key is set once). */
    private static final class NonceEngine extends ChaCha7539Engine {

        NonceEngine(byte[] key) {
            init(true, new ParametersWithIV(new KeyParameter(key), new byte[NONCE_LENGTH]));
        }

        /** A new nonce, block counter 0. */
        void restart(byte[] nonce) {
            setKey(null, nonce);
            reset();
        }
    }

    static byte[] seal(byte[] key, long counter, byte[] plaintext, byte[] authText) {
        return sealWithNonce(key, nonce(counter), plaintext, authText);
    }

    /** RFC 8439 s2.8 with any 96-bit nonce (the RFC's test vectors do not use WireGuard's). */
    static byte[] sealWithNonce(byte[] key, byte[] nonce, byte[] plaintext, byte[] authText) {
        byte[] sealed = new byte[plaintext.length + TAG_LENGTH];
        new ChaChaPoly(key).seal(nonce, authText, plaintext, 0, plaintext.length, sealed, 0);
        return sealed;
    }

    /** The plaintext, or null when the tag does not verify. */
    static byte[] open(byte[] key, long counter, byte[] sealed, byte[] authText) {
        if (sealed.length < TAG_LENGTH) {
            return null;
        }
        byte[] plaintext = new byte[sealed.length - TAG_LENGTH];
        int length = new ChaChaPoly(key).open(nonce(counter), authText, sealed, 0, sealed.length, plaintext, 0);
        return length < 0 ? null : plaintext;
    }

    static byte[] nonce(long counter) {
        byte[] nonce = new byte[NONCE_LENGTH];
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        return nonce;
    }
}
