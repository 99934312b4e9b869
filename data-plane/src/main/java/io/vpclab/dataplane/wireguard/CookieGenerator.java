package io.vpclab.dataplane.wireguard;

/**
 * The sending side of mac1 and mac2 for one peer (wireguard-go cookie.go CookieGenerator):
 * stamps handshake messages, and keeps the cookie of the peer's last cookie reply for two
 * minutes to stamp mac2 with it.
 */
final class CookieGenerator {

    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private byte[] lastMac1;
    private byte[] cookie;
    private long cookieSet;

    CookieGenerator(byte[] remotePublic) {
        this.mac1Key = Blake2s.hash(CookieChecker.LABEL_MAC1, remotePublic);
        this.cookieKey = Blake2s.hash(CookieChecker.LABEL_COOKIE, remotePublic);
    }

    /** Fills mac1 and (with a fresh cookie) mac2 at the end of {@code message}. */
    void addMacs(byte[] message, long now) {
        int mac1 = message.length - 2 * Blake2s.MAC_LENGTH;
        int mac2 = message.length - Blake2s.MAC_LENGTH;
        lastMac1 = Blake2s.mac(mac1Key, message, 0, mac1);
        System.arraycopy(lastMac1, 0, message, mac1, Blake2s.MAC_LENGTH);
        if (cookie != null && now - cookieSet < WireGuardTimes.COOKIE_REFRESH_TIME) {
            System.arraycopy(Blake2s.mac(cookie, message, 0, mac2), 0, message, mac2, Blake2s.MAC_LENGTH);
        } else {
            java.util.Arrays.fill(message, mac2, message.length, (byte) 0);
        }
    }

    /** Takes the cookie of a reply to our last message; false when it does not open. */
    boolean consumeReply(byte[] reply, long now) {
        if (lastMac1 == null) {
            return false;
        }
        byte[] nonce = Noise.slice(reply, WireGuardMessages.COOKIE_NONCE, WireGuardMessages.COOKIE_NONCE_LENGTH);
        byte[] sealed = Noise.slice(reply, WireGuardMessages.COOKIE_SEALED, WireGuardMessages.COOKIE_SEALED_LENGTH);
        byte[] opened = CookieChecker.xaead(false, cookieKey, nonce, sealed, lastMac1);
        if (opened == null) {
            return false;
        }
        cookie = opened;
        cookieSet = now;
        return true;
    }
}
