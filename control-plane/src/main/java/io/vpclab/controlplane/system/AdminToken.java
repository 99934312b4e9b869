package io.vpclab.controlplane.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The admin and bootstrap secrets, held as SHA-256 only. The admin token is VPCLAB_ADMIN_TOKEN,
 * else the content of {@code <data-dir>/admin-token}, else a new one written there with mode 0600
 * and printed once (the next start reads the file and prints nothing).
 */
@Component
public class AdminToken implements CallerResolver {

    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    static final String FILE_NAME = "admin-token";

    private final String adminSha256;
    private final String bootstrapSha256;

    AdminToken(VpcLabProperties properties) {
        String configured = properties.adminToken();
        String secret =
                configured != null && !configured.isBlank() ? configured.trim() : fromDataDir(properties.dataDir());
        this.adminSha256 = Tokens.sha256(secret);
        String bootstrap = properties.bootstrapToken();
        this.bootstrapSha256 = bootstrap == null || bootstrap.isBlank() ? null : Tokens.sha256(bootstrap.trim());
    }

    private static String fromDataDir(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            String secret = Tokens.newSecret("vpclab_admin");
            try {
                Files.createFile(
                        file,
                        PosixFilePermissions.asFileAttribute(Set.of(
                                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
            } catch (FileAlreadyExistsException raced) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
            // Printed once, on the console, so a newcomer can copy it; later starts read the file.
            System.out.println("VPC Lab admin token (saved in " + file.toAbsolutePath() + ", mode 0600): " + secret);
            log.info("generated a new admin token into {}", file.toAbsolutePath());
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin token file " + file, e);
        }
    }

    @Override
    public java.util.Optional<Caller> resolve(String tokenSha256) {
        if (Tokens.sameDigest(adminSha256, tokenSha256)) {
            return java.util.Optional.of(Caller.admin());
        }
        if (bootstrapSha256 != null && Tokens.sameDigest(bootstrapSha256, tokenSha256)) {
            return java.util.Optional.of(Caller.bootstrap());
        }
        return java.util.Optional.empty();
    }
}
