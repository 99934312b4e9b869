package io.vpclab.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vpclab validate} answers with its exit code, without a server. */
class ValidateCommandTest {

    @Test
    void aSampleIsValid() {
        assertThat(VpclabCli.run(
                        "validate",
                        "-f",
                        Path.of("..", "topology-samples", "tenant-isolation", "topology.yaml")
                                .toString()))
                .isEqualTo(VpclabCli.OK);
    }

    @Test
    void aBadOrMissingFileIsInvalid(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "name: t\ntenants: 7\n");

        assertThat(VpclabCli.run("validate", "-f", bad.toString())).isEqualTo(VpclabCli.INVALID);
        assertThat(VpclabCli.run("validate", "-f", dir.resolve("missing.yaml").toString()))
                .isEqualTo(VpclabCli.INVALID);
        assertThat(VpclabCli.run("validate")).as("no --file").isEqualTo(VpclabCli.INVALID);
    }
}
