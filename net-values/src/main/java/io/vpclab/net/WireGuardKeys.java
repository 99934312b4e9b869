package io.vpclab.net;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Base64;
import javax.crypto.KeyAgreement;

/**
 * X25519 keys as WireGuard writes them: 32 raw little-endian bytes, base64 encoded (what
 * {@code wg genkey} and {@code wg pubkey} print). The JDK computes the curve; this class only
 * converts between the raw bytes and the JDK's key specs (RFC 7748 s5).
 */
public final class WireGuardKeys {

    public static final int KEY_LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The base point u = 9 (RFC 7748 s4.1): X25519(k, 9) is k's public key. */
    private static final byte[] BASE_POINT = basePoint();

    private WireGuardKeys() {}

    /** A fresh private key, clamped as {@code wg genkey} clamps it (RFC 7748 s5 decodeScalar25519). */
    public static byte[] generatePrivateKey() {
        byte[] key = new byte[KEY_LENGTH];
        RANDOM.nextBytes(key);
        key[0] &= (byte) 248;
        key[31] &= 127;
        key[31] |= 64;
        return key;
    }

    public static byte[] publicKey(byte[] privateKey) {
        return x25519(privateKey, BASE_POINT);
    }

    /**
     * X25519(scalar, u) (RFC 7748 s5). Refuses a result of all zeros (a low-order point), as
     * WireGuard does, with {@link IllegalArgumentException}.
     */
    public static byte[] x25519(byte[] scalar, byte[] u) {
        requireLength(scalar, "private key");
        requireLength(u, "public key");
        try {
            KeyFactory factory = KeyFactory.getInstance("XDH");
            PrivateKey privateKey =
                    factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar.clone()));
            PublicKey publicKey = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(u)));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(privateKey);
            agreement.doPhase(publicKey, true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            // the JDK refuses an all-zero shared secret ("Point has small order")
            throw new IllegalArgumentException("X25519 refused the key: " + e.getMessage(), e);
        }
    }

    /** Base64 of 32 bytes, as WireGuard prints keys. */
    public static String toBase64(byte[] key) {
        requireLength(key, "key");
        return Base64.getEncoder().encodeToString(key);
    }

    /** The 32 bytes of a WireGuard base64 key; anything else is refused with a reason. */
    public static byte[] fromBase64(String key) {
        if (key == null || key.length() != 44 || !key.endsWith("=")) {
            throw new IllegalArgumentException("a WireGuard key is 44 base64 characters ending in '='");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a WireGuard key is 44 base64 characters: " + e.getMessage(), e);
        }
        requireLength(raw, "key");
        return raw;
    }

    /** RFC 7748 s5 decodeUCoordinate: little-endian, the top bit masked. */
    static BigInteger decodeU(byte[] u) {
        byte[] bigEndian = new byte[KEY_LENGTH + 1];
        for (int i = 0; i < KEY_LENGTH; i++) {
            bigEndian[KEY_LENGTH - i] = u[i];
        }
        bigEndian[1] &= 0x7F;
        return new BigInteger(bigEndian);
    }

    private static void requireLength(byte[] key, String what) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a WireGuard " + what + " is 32 bytes");
        }
    }

    private static byte[] basePoint() {
        byte[] u = new byte[KEY_LENGTH];
        u[0] = 9;
        return u;
    }
}
