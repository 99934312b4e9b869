/**
 * The WireGuard protocol (Donenfeld, NDSS 2017; wireguard-go as the reference): X25519 keys in
 * WireGuard's base64 form, the Noise_IKpsk2 handshake with mac1/mac2 and cookie replies,
 * ChaCha20-Poly1305 transport with 64-bit counters and the replay window, and the rekey and
 * keepalive timers on an injectable clock. {@link io.vpclab.dataplane.wireguard.WireGuardDevice}
 * is the protocol without a socket (tests drive its clock);
 * {@link io.vpclab.dataplane.wireguard.WireGuardEndpoint} puts it on a Netty UDP channel.
 * The ciphers come from the JDK (X25519, ChaCha20-Poly1305) and BouncyCastle's lightweight API
 * (BLAKE2s, XChaCha20-Poly1305); this package writes the protocol, not the ciphers.
 */
package io.vpclab.dataplane.wireguard;
