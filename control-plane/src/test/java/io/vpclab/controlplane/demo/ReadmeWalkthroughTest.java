package io.vpclab.controlplane.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * README's curl walkthrough, pasted into bash as a user would after the demo ran: every fenced
 * block of its "REST API with curl" section, in order, against a demo server (only the port
 * differs; {@code data/admin-token} is the server's, read from the working directory).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ReadmeWalkthroughTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path WORK =
            Path.of("target", "test-data", "readme-" + UUID.randomUUID()).toAbsolutePath();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.demo.enabled", () -> "true");
        registry.add("vpclab.demo.port", () -> FreeUdpPorts.consecutive(1));
        registry.add("vpclab.data-dir", () -> WORK.resolve("data").toString());
    }

    @Autowired
    DemoRunner demo;

    @LocalServerPort
    int port;

    @Test
    void theWalkthroughWorksAsWrittenAfterTheDemo() throws Exception {
        assertThat(demo.matrix().get(120, TimeUnit.SECONDS).allAsExpected()).isTrue();
        String script = walkthrough().replace("http://localhost:8080", "http://localhost:" + port);
        Path scriptFile = WORK.resolve("walkthrough.sh");
        Files.writeString(scriptFile, "set -e -o pipefail\n" + script);

        Process bash = new ProcessBuilder("bash", scriptFile.toString())
                .directory(WORK.toFile())
                .redirectErrorStream(true)
                .redirectOutput(WORK.resolve("walkthrough.out").toFile())
                .start();
        assertThat(bash.waitFor(120, TimeUnit.SECONDS))
                .as("the walkthrough ends")
                .isTrue();
        String output = Files.readString(WORK.resolve("walkthrough.out"));

        assertThat(bash.exitValue()).as(output).isZero();
        assertThat(output)
                .as("the instance answers with its address, MAC and state")
                .contains("\"privateIpAddress\": \"10.0.1.5\"")
                .contains("\"macAddress\": \"02:")
                .contains("\"state\": \"");
        assertThat(output).as("the ping got its answers").contains("\"sent\": 3,\n  \"received\": 3");
        assertThat(output).as("the subnet shows its VNI").contains("\"segmentId\": ");
        assertThat(output).as("the second CIDR block").contains("10.1.0.0/16");
        assertThat(output).as("the capture stopped").contains("\"status\": \"stopped\"");
        assertThat(output).as("the refusal").contains("\"code\":\"InvalidSubnet.Conflict\"");
        assertThat(output)
                .as("last, the tenant goes with all it holds (cascade)")
                .endsWith("204\n");
        assertThat(output)
                .as("no refusal or empty ID on the way")
                .doesNotContain("AuthFailure")
                .doesNotContain("NotFound");
    }

    /** The fenced blocks of README's "REST API with curl" section, joined in order. */
    private static String walkthrough() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf("## REST API with curl");
        int end = readme.indexOf("\n## ", start + 1);
        List<String> blocks = new ArrayList<>();
        String section = readme.substring(start, end);
        for (int open = section.indexOf("```\n"); open >= 0; open = section.indexOf("```\n", open)) {
            int close = section.indexOf("\n```", open + 4);
            blocks.add(section.substring(open + 4, close + 1));
            open = close + 4;
        }
        assertThat(blocks).as("README's curl blocks").hasSizeGreaterThanOrEqualTo(3);
        return String.join("\n", blocks);
    }
}
