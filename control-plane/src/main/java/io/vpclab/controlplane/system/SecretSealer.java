package io.vpclab.controlplane.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets the server must read back (an access key's secret, a VPN gateway's private key)
 * with AES-256-GCM, so a copy of the database alone reveals none. The sealed form is base64 of
 * nonce (12 bytes) + ciphertext + tag. The row's ID is the associated data: a sealed value copied
 * to another row does not open.
 */
public final class SecretSealer {

    public static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String keySource;

    /** {@code keySource} names where the key came from, for the error when a value does not open. */
    public SecretSealer(byte[] key, String keySource) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(keySource + " must hold " + KEY_BYTES + " bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
        this.keySource = keySource;
    }

    public String seal(String rowId, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            byte[] sealed = cipher(Cipher.ENCRYPT_MODE, nonce, rowId).doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                            .put(nonce)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is in every Java runtime", e);
        }
    }

    public String open(String rowId, String sealedText) {
        try {
            byte[] sealed = Base64.getDecoder().decode(sealedText);
            if (sealed.length < NONCE_BYTES) {
                throw new GeneralSecurityException("too short");
            }
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(sealed, NONCE_BYTES), rowId);
            return new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the sealed secret of " + rowId + " cannot be opened: was " + keySource + " replaced?", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String rowId) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(rowId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    /** A configured key in base64; {@code name} (the property) goes into the error when it is not 32 bytes. */
    public static byte[] keyFromBase64(String text, String name) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not base64: " + e.getMessage(), e);
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalStateException(
                    name + " must be " + KEY_BYTES + " bytes in base64 (openssl rand -base64 32), not " + key.length);
        }
        return key;
    }

    /** The key in {@code <dataDir>/<fileName>}, created once with mode 0600 when absent. */
    public static byte[] keyInDataDir(Path dataDir, String fileName) {
        Path file = dataDir.resolve(fileName);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] fresh = new byte[KEY_BYTES];
                RANDOM.nextBytes(fresh);
                try {
                    Files.createFile(
                            file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n");
                    return fresh;
                } catch (FileAlreadyExistsException raced) {
                    // Another start created it first: read theirs below.
                } catch (UnsupportedOperationException notPosix) {
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n");
                    return fresh;
                }
            }
            return keyFromBase64(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
