package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The database and the admin token are readable by the server's user only. */
class DataFilePermissionsTest {

    @Test
    void theDataFolderIs0700AndItsFiles0600() throws Exception {
        Path dataDir = Path.of("target", "perm-data-" + UUID.randomUUID()).toAbsolutePath();
        try (ConfigurableApplicationContext server = SpringApplication.run(
                io.vpclab.controlplane.VpcLabApplication.class,
                "--server.port=0",
                "--vpclab.data-dir=" + dataDir,
                "--spring.main.banner-mode=off")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)))
                    .isEqualTo("rwx------");
            List<Path> files;
            try (Stream<Path> all = Files.walk(dataDir)) {
                files = all.filter(Files::isRegularFile).toList();
            }
            assertThat(files).extracting(f -> f.getFileName().toString()).contains("admin-token", "vpclab.mv.db");
            for (Path file : files) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                        .as(file.toString())
                        .isEqualTo("rw-------");
            }
        }
    }
}
