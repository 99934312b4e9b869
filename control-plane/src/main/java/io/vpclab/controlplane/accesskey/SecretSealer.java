package io.vpclab.controlplane.accesskey;

import io.vpclab.controlplane.system.VpcLabProperties;
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
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Seals access-key secrets with AES-256-GCM. The key is {@code <data-dir>/access-key-encryption-key}
 * (created once, mode 0600, beside the admin token), so a copy of the database alone reveals no
 * secret. The access key ID is the associated data: a sealed secret moved to another row fails.
 */
@Component
class SecretSealer {

    static final String FILE_NAME = "access-key-encryption-key";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    SecretSealer(VpcLabProperties properties) {
        this.key = new SecretKeySpec(keyBytes(properties.dataDir()), "AES");
    }

    String seal(String accessKeyId, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, accessKeyId);
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                            .put(nonce)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is in every Java runtime", e);
        }
    }

    String open(String accessKeyId, String sealedText) {
        byte[] sealed = Base64.getDecoder().decode(sealedText);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(sealed, NONCE_BYTES), accessKeyId);
            return new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "the secret of access key " + accessKeyId + " cannot be opened: " + "was " + FILE_NAME
                            + " replaced?",
                    e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String accessKeyId) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(accessKeyId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static byte[] keyBytes(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
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
            byte[] stored = Base64.getDecoder().decode(Files.readString(file).trim());
            if (stored.length != 32) {
                throw new IllegalStateException(file + " must hold 32 bytes in base64");
            }
            return stored;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
