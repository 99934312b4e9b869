package io.vpclab.dataplane.wireguard;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD(key, counter, plaintext, authtext) of the whitepaper (s5.4): the JDK's
 * ChaCha20-Poly1305 (RFC 8439) with a 96-bit nonce of 32 zero bits and the little-endian
 * 64-bit counter. One instance holds one key and reuses its {@link Cipher} (transport keys);
 * the static methods serve the handshake's one-shot uses.
 */
final class ChaChaPoly {

    static final int TAG_LENGTH = 16;
    static final int NONCE_LENGTH = 12;

    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] nonce = new byte[NONCE_LENGTH];

    ChaChaPoly(byte[] key) {
        this.key = new SecretKeySpec(key, "ChaCha20");
        try {
            this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks ChaCha20-Poly1305", e);
        }
    }

    /** Seals {@code length} bytes of {@code in} into {@code out} (length + 16 bytes); returns the bytes written. */
    int seal(long counter, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, nonceSpec(counter));
            return cipher.doFinal(in, inOffset, length, out, outOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 sealing failed", e);
        }
    }

    /**
     * Opens {@code length} sealed bytes; returns the plaintext length, or -1 when the tag does not
     * verify. With {@code inOffset} 0 the JDK decrypts in place of the input; at any other offset it
     * first copies the input into a growing buffer (about 4 KB of garbage per 1400-byte packet).
     */
    int open(long counter, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (length < TAG_LENGTH) {
            return -1;
        }
        try {
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, nonceSpec(counter));
            } catch (InvalidKeyException sameNonceAsLastTime) {
                // the JDK refuses the previous key and nonce again, even to decrypt: a replay, or a
                // forgery that came before the genuine message; step through another nonce
                cipher.init(Cipher.DECRYPT_MODE, key, nonceSpec(~counter));
                cipher.init(Cipher.DECRYPT_MODE, key, nonceSpec(counter));
            }
            return cipher.doFinal(in, inOffset, length, out, outOffset);
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 opening failed", e);
        }
    }

    private IvParameterSpec nonceSpec(long counter) {
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        return new IvParameterSpec(nonce);
    }

    static byte[] seal(byte[] key, long counter, byte[] plaintext, byte[] authText) {
        return sealWithNonce(key, nonce(counter), plaintext, authText);
    }

    /** RFC 8439 s2.8 with any 96-bit nonce (the RFC's test vectors do not use WireGuard's). */
    static byte[] sealWithNonce(byte[] key, byte[] nonce, byte[] plaintext, byte[] authText) {
        try {
            Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            cipher.updateAAD(authText);
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 sealing failed", e);
        }
    }

    /** The plaintext, or null when the tag does not verify. */
    static byte[] open(byte[] key, long counter, byte[] sealed, byte[] authText) {
        try {
            Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce(counter)));
            cipher.updateAAD(authText);
            return cipher.doFinal(sealed);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 opening failed", e);
        }
    }

    static byte[] nonce(long counter) {
        byte[] nonce = new byte[NONCE_LENGTH];
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        return nonce;
    }
}
