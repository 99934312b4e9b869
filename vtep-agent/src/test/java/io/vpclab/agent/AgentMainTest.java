package io.vpclab.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line refuses bad usage and bad tables with one clear message and a non-zero exit. */
class AgentMainTest {

    private final StringWriter err = new StringWriter();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int run(String... args) {
        CommandLine commandLine = AgentMain.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void needsEitherATableOrAWholeTunnel() {
        assertThat(run("--tap", "vtep0", "--vni", "100")).isEqualTo(2);
        assertThat(err.toString()).contains("give --table FILE, or all of --tap, --vni, --local and --remote");
    }

    @Test
    void refusesTableAndTunnelTogether() {
        assertThat(run("--table", "t.yaml", "--tap", "vtep0")).isEqualTo(2);
        assertThat(err.toString()).contains("--table cannot be combined");
    }

    @Test
    void refusesAControlPlaneReplicaThatIsNotAnHttpUrl() {
        assertThat(run("--control-plane", "http://127.0.0.1:8081,ftp://127.0.0.1:8082", "--underlay-ip", "127.0.0.1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--control-plane: 'ftp://127.0.0.1:8082' is not an http(s) URL");
    }

    @Test
    void refusesAVniOutOfRange() {
        assertThat(run("--tap", "vtep0", "--vni", "16777216", "--local", "127.0.0.1", "--remote", "127.0.0.2"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--vni must be 1..16777215, got 16777216");
    }

    @Test
    void refusesAnUnknownOffloadBeforeOpeningAnything() {
        assertThat(run(
                        "--tap",
                        "vtep0",
                        "--vni",
                        "100",
                        "--local",
                        "127.0.0.1",
                        "--remote",
                        "127.0.0.2",
                        "--offloads",
                        "tso,lro"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--offloads: unknown 'lro'");
    }

    @Test
    void refusesABadEventLoopCountBeforeOpeningAnything() {
        assertThat(run(
                        "--tap",
                        "vtep0",
                        "--vni",
                        "100",
                        "--local",
                        "127.0.0.1",
                        "--remote",
                        "127.0.0.2",
                        "--event-loops",
                        "many"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--event-loops: 'many' is not a number (give 1..64 or auto)");
    }

    @Test
    void refusesABadTableWithItsLineAndStartsNothing(@TempDir Path dir) throws Exception {
        Path table = dir.resolve("t.yaml");
        Files.writeString(table, "host:\n  underlayIp: 127.0.0.1\nsegments:\n  - vni: 0\n");
        assertThat(run("--table", table.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("line 4, column 5 (/segments/0/vni): VNI must be 1..16777215");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("ready");
    }
}
