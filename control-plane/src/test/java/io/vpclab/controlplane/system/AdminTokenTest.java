package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

    private static VpcLabProperties properties(Path dataDir, String adminToken, String bootstrap) {
        return new VpcLabProperties(dataDir, adminToken, bootstrap, null, null);
    }

    @Test
    void aGeneratedTokenIsSavedOwnerOnlyAndReusedAtTheNextStart(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        AdminToken first = new AdminToken(properties(dataDir, null, null));
        Path file = dataDir.resolve(AdminToken.FILE_NAME);
        String secret = Files.readString(file).trim();
        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(first.resolve(Tokens.sha256(secret))).contains(Caller.admin());
        assertThat(first.resolve(Tokens.sha256("guess"))).isEmpty();

        AdminToken restarted = new AdminToken(properties(dataDir, null, null));
        assertThat(Files.readString(file).trim()).isEqualTo(secret);
        assertThat(restarted.resolve(Tokens.sha256(secret))).contains(Caller.admin());
    }

    @Test
    void theEnvironmentTokenWinsAndNoFileIsWritten(@TempDir Path dir) {
        AdminToken token = new AdminToken(properties(dir, "from-env", "boot"));
        assertThat(token.resolve(Tokens.sha256("from-env"))).contains(Caller.admin());
        assertThat(token.resolve(Tokens.sha256("boot"))).contains(Caller.bootstrap());
        assertThat(dir.resolve(AdminToken.FILE_NAME)).doesNotExist();
    }
}
