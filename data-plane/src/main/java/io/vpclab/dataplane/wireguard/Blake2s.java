package io.vpclab.dataplane.wireguard;

import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The hash functions of WireGuard's handshake (whitepaper s5.4): HASH is BLAKE2s-256, MAC is
 * keyed BLAKE2s-128, HMAC is RFC 2104 over BLAKE2s-256, and KDF_n is HKDF over that HMAC
 * (Noise revision 34 s4.3). BouncyCastle computes BLAKE2s.
 */
final class Blake2s {

    static final int HASH_LENGTH = 32;
    static final int MAC_LENGTH = 16;

    private Blake2s() {}

    static byte[] hash(byte[]... parts) {
        Blake2sDigest digest = new Blake2sDigest(256);
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    /** Keyed BLAKE2s with a 16-byte output over {@code length} bytes of {@code data}. */
    static byte[] mac(byte[] key, byte[] data, int offset, int length) {
        Blake2sDigest digest = new Blake2sDigest(key, MAC_LENGTH, null, null);
        digest.update(data, offset, length);
        byte[] out = new byte[MAC_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    static byte[] hmac(byte[] key, byte[]... parts) {
        HMac hmac = new HMac(new Blake2sDigest(256));
        hmac.init(new KeyParameter(key));
        for (byte[] part : parts) {
            hmac.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        hmac.doFinal(out, 0);
        return out;
    }

    /** KDF_n(key, input): n outputs of 32 bytes. */
    static byte[][] kdf(int n, byte[] key, byte[] input) {
        byte[] pseudoRandomKey = hmac(key, input);
        byte[][] out = new byte[n][];
        byte[] previous = new byte[0];
        for (int i = 0; i < n; i++) {
            previous = hmac(pseudoRandomKey, previous, new byte[] {(byte) (i + 1)});
            out[i] = previous;
        }
        return out;
    }
}
