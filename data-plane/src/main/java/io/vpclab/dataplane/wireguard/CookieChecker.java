package io.vpclab.dataplane.wireguard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.bouncycastle.crypto.modes.XChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The receiving side of mac1, mac2 and cookies (whitepaper s5.3, wireguard-go cookie.go
 * CookieChecker): mac1 proves the sender knows our public key; under load, mac2 proves it
 * received a cookie for its source address, and a message without one is answered by a cookie
 * reply sealed with XChaCha20-Poly1305.
 */
final class CookieChecker {

    static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final SecureRandom random;
    private final byte[] secret = new byte[32];
    private long secretSet = Long.MIN_VALUE;

    CookieChecker(byte[] localPublic, SecureRandom random) {
        this.mac1Key = Blake2s.hash(LABEL_MAC1, localPublic);
        this.cookieKey = Blake2s.hash(LABEL_COOKIE, localPublic);
        this.random = random;
    }

    /** mac1 sits 32 bytes before the end of an initiation or response. */
    boolean checkMac1(byte[] message) {
        int mac1 = message.length - 2 * Blake2s.MAC_LENGTH;
        byte[] expected = Blake2s.mac(mac1Key, message, 0, mac1);
        return MessageDigest.isEqual(expected, Noise.slice(message, mac1, Blake2s.MAC_LENGTH));
    }

    boolean checkMac2(byte[] message, byte[] source, long now) {
        int mac2 = message.length - Blake2s.MAC_LENGTH;
        byte[] expected = Blake2s.mac(cookie(source, now), message, 0, mac2);
        return MessageDigest.isEqual(expected, Noise.slice(message, mac2, Blake2s.MAC_LENGTH));
    }

    /** A cookie reply to {@code message} (from {@code source}) for the sender's index. */
    byte[] createReply(byte[] message, int receiverIndex, byte[] source, long now) {
        byte[] reply = new byte[WireGuardMessages.COOKIE_REPLY_LENGTH];
        reply[0] = WireGuardMessages.COOKIE_REPLY;
        Noise.putIntLE(reply, WireGuardMessages.COOKIE_RECEIVER, receiverIndex);
        byte[] nonce = new byte[WireGuardMessages.COOKIE_NONCE_LENGTH];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, reply, WireGuardMessages.COOKIE_NONCE, nonce.length);
        byte[] mac1 = Noise.slice(message, message.length - 2 * Blake2s.MAC_LENGTH, Blake2s.MAC_LENGTH);
        byte[] sealed = xaead(true, cookieKey, nonce, cookie(source, now), mac1);
        System.arraycopy(sealed, 0, reply, WireGuardMessages.COOKIE_SEALED, sealed.length);
        return reply;
    }

    /** MAC(R_m, source), with the secret R_m renewed every two minutes. */
    private byte[] cookie(byte[] source, long now) {
        if (secretSet == Long.MIN_VALUE || now - secretSet >= WireGuardTimes.COOKIE_REFRESH_TIME) {
            random.nextBytes(secret);
            secretSet = now;
        }
        return Blake2s.mac(secret, source, 0, source.length);
    }

    /** XChaCha20-Poly1305 from BouncyCastle's lightweight API; null when opening fails. */
    static byte[] xaead(boolean seal, byte[] key, byte[] nonce, byte[] input, byte[] authText) {
        XChaCha20Poly1305 cipher = new XChaCha20Poly1305();
        cipher.init(seal, new AEADParameters(new KeyParameter(key), 128, nonce, authText));
        byte[] out = new byte[cipher.getOutputSize(input.length)];
        int written = cipher.processBytes(input, 0, input.length, out, 0);
        try {
            cipher.doFinal(out, written);
        } catch (org.bouncycastle.crypto.InvalidCipherTextException e) {
            return null;
        }
        return out;
    }
}
