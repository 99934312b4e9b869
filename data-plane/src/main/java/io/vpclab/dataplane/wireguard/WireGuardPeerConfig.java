package io.vpclab.dataplane.wireguard;

import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One peer as {@code wg set} configures it: its public key, an optional preshared key, an
 * optional endpoint (learnt from its packets otherwise), the IPv4 prefixes it may send from and
 * is sent to, and an optional persistent keepalive interval in seconds (0: off).
 */
public record WireGuardPeerConfig(
        byte[] publicKey,
        byte[] presharedKey,
        InetSocketAddress endpoint,
        List<Ipv4Prefix> allowedIps,
        int persistentKeepaliveSeconds) {

    public WireGuardPeerConfig {
        if (publicKey == null || publicKey.length != WireGuardKeys.KEY_LENGTH) {
            throw new IllegalArgumentException("a peer's public key is 32 bytes");
        }
        if (presharedKey != null && presharedKey.length != WireGuardKeys.KEY_LENGTH) {
            throw new IllegalArgumentException("a preshared key is 32 bytes");
        }
        if (persistentKeepaliveSeconds < 0 || persistentKeepaliveSeconds > 65535) {
            throw new IllegalArgumentException("a persistent keepalive is 0 to 65535 seconds");
        }
        publicKey = publicKey.clone();
        presharedKey = presharedKey == null ? null : presharedKey.clone();
        allowedIps = List.copyOf(allowedIps);
    }

    public static WireGuardPeerConfig of(String publicKey, InetSocketAddress endpoint, String... allowedIps) {
        return new WireGuardPeerConfig(
                WireGuardKeys.fromBase64(publicKey),
                null,
                endpoint,
                java.util.Arrays.stream(allowedIps).map(Ipv4Prefix::parse).toList(),
                0);
    }

    public WireGuardPeerConfig withPresharedKey(byte[] key) {
        return new WireGuardPeerConfig(publicKey, key, endpoint, allowedIps, persistentKeepaliveSeconds);
    }

    public WireGuardPeerConfig withPersistentKeepalive(int seconds) {
        return new WireGuardPeerConfig(publicKey, presharedKey, endpoint, allowedIps, seconds);
    }
}
