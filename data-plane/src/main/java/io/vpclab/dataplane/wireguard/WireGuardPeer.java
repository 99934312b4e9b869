package io.vpclab.dataplane.wireguard;

import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * A peer's state on one device: handshake, keypairs (previous, current and the responder's
 * unconfirmed next), the packets waiting for a handshake, the timers of wireguard-go's
 * timers.go as deadlines on the device's monotonic clock (0: not armed), and counters. Only the
 * device's thread writes it; the counters are volatile for readers elsewhere.
 */
public final class WireGuardPeer {

    static final int STAGED_PACKETS = 16;

    final WireGuardPeerConfig config;
    final Handshake handshake;
    final CookieGenerator cookies;
    final ArrayDeque<byte[]> staged = new ArrayDeque<>();
    volatile InetSocketAddress endpoint;

    Keypair previous;
    Keypair current;
    Keypair next;

    long retransmitHandshakeAt;
    long sendKeepaliveAt;
    boolean needAnotherKeepalive;
    long newHandshakeAt;
    long zeroKeyMaterialAt;
    long persistentKeepaliveAt;
    int handshakeAttempts;
    long lastHandshakeSent = Long.MIN_VALUE;
    boolean sentLastMinuteHandshake;

    private volatile long lastHandshakeEpochNanos;
    private volatile long rxBytes;
    private volatile long txBytes;
    private volatile long rxPackets;
    private volatile long txPackets;

    WireGuardPeer(WireGuardPeerConfig config, byte[] localPrivate) {
        this.config = config;
        this.handshake = new Handshake(localPrivate, config.publicKey(), config.presharedKey());
        this.cookies = new CookieGenerator(config.publicKey());
        this.endpoint = config.endpoint();
    }

    public String publicKey() {
        return WireGuardKeys.toBase64(config.publicKey());
    }

    public InetSocketAddress endpoint() {
        return endpoint;
    }

    /** Epoch nanoseconds of the last completed handshake; 0 before the first. */
    public long lastHandshakeEpochNanos() {
        return lastHandshakeEpochNanos;
    }

    /** Bytes of decrypted packets handed over (keepalives count 0). */
    public long rxBytes() {
        return rxBytes;
    }

    public long txBytes() {
        return txBytes;
    }

    public long rxPackets() {
        return rxPackets;
    }

    public long txPackets() {
        return txPackets;
    }

    boolean allows(int address) {
        for (Ipv4Prefix prefix : config.allowedIps()) {
            if (prefix.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The longest allowed prefix holding {@code address}, or -1. */
    int longestMatch(int address) {
        int longest = -1;
        for (Ipv4Prefix prefix : config.allowedIps()) {
            if (prefix.length() > longest && prefix.contains(address)) {
                longest = prefix.length();
            }
        }
        return longest;
    }

    void handshakeCompleted(long epochNanos) {
        lastHandshakeEpochNanos = epochNanos;
    }

    void received(int bytes) {
        rxBytes += bytes;
        rxPackets++;
    }

    void sent(int bytes) {
        txBytes += bytes;
        txPackets++;
    }

    @Override
    public String toString() {
        return "peer " + publicKey();
    }
}
