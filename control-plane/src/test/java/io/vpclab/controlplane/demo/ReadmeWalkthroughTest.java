package io.vpclab.controlplane.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * README's first screens followed as written against the demo it starts (its matrix, all as
 * expected): the curl walkthrough, pasted into bash as a user would after the demo ran (every
 * fenced block of its "REST API with curl" section, in order; only the port differs;
 * {@code data/admin-token} is the server's, read from the working directory), and the
 * {@code bin/vpclab} commands of "Topology files and bin/vpclab".
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ReadmeWalkthroughTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path README = REPOSITORY.resolve("README.md");
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

    /**
     * README's "Topology files and bin/vpclab" commands, run by {@code bin/vpclab} from the
     * repository's root as written, with the CLI jar the build made; the lines that start a server
     * or an agent are the demo this test runs. The server is found through VPCLAB_URL and
     * VPCLAB_TOKEN, as README says (only the port differs).
     */
    @Test
    void theTopologyCommandsWorkAsWrittenWithBinVpclab() throws Exception {
        assertThat(REPOSITORY.resolve("topology/target/vpclab-cli.jar"))
                .as("the CLI jar, made by the topology module's package phase before these tests")
                .exists();
        assertThat(demo.matrix().get(120, TimeUnit.SECONDS).allAsExpected()).isTrue();
        String commands = blocks("## Topology files and bin/vpclab")
                .get(0)
                .lines()
                .filter(line -> !line.startsWith("bin/vpclab demo") && !line.startsWith("bin/vpclab server"))
                .collect(Collectors.joining("\n"));
        assertThat(commands).contains("bin/vpclab apply", "bin/vpclab matrix", "bin/vpclab destroy");
        Files.createDirectories(WORK);
        Path outputFile = WORK.resolve("topology-commands.out");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "set -e -o pipefail\n" + commands)
                .directory(REPOSITORY.toFile())
                .redirectErrorStream(true)
                .redirectOutput(outputFile.toFile());
        builder.environment().put("VPCLAB_URL", "http://localhost:" + port);
        builder.environment()
                .put(
                        "VPCLAB_TOKEN",
                        Files.readString(WORK.resolve("data").resolve("admin-token"))
                                .strip());
        Process bash = builder.start();
        assertThat(bash.waitFor(300, TimeUnit.SECONDS)).as("the commands end").isTrue();
        String output = Files.readString(outputFile);

        assertThat(bash.exitValue()).as(output).isZero();
        assertThat(output)
                .as("the matrix of the applied sample: every cell as expected")
                .contains("shop-app-1 10.41.1.10")
                .doesNotContain("UNEXPECTED");
        assertThat(output).as("get, as a table and as YAML").contains("PRIVATE IP", "cidrBlock: \"10.41.0.0/16\"");
        assertThat(output).as("destroy removed what the file made").contains("deleted tenant peer-pay");
    }

    /**
     * README's worked example of "AWS CLI and boto3" (its bare fenced block), pasted into bash as
     * written after the demo ran: the network is built with the real aws CLI only, the REST API
     * finds the instance by its Name tag, and {@code bin/vpclab probe} gets its pings answered. Only
     * the port and the path of {@code bin/vpclab} differ.
     */
    @Test
    void theAwsCliExampleBuildsANetworkThatBinVpclabProbes() throws Exception {
        assumeTrue(io.vpclab.controlplane.ec2.AwsCli.installed(), "the aws CLI is not on the PATH (Debian's awscli)");
        assertThat(REPOSITORY.resolve("topology/target/vpclab-cli.jar"))
                .as("the CLI jar, made by the topology module's package phase before these tests")
                .exists();
        assertThat(demo.matrix().get(120, TimeUnit.SECONDS).allAsExpected()).isTrue();
        List<String> blocks = blocks("## AWS CLI and boto3");
        assertThat(blocks).as("the section's worked example").hasSize(1);
        String script = blocks.get(0)
                .replace("http://localhost:8080", "http://localhost:" + port)
                .replace("bin/vpclab ", REPOSITORY.resolve("bin/vpclab") + " ");
        Path outputFile = WORK.resolve("aws-example.out");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "set -e -o pipefail\n" + script)
                .directory(WORK.toFile())
                .redirectErrorStream(true)
                .redirectOutput(outputFile.toFile());
        builder.environment().put("VPCLAB_URL", "http://localhost:" + port);
        builder.environment().put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
        builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
        Process bash = builder.start();
        assertThat(bash.waitFor(300, TimeUnit.SECONDS)).as("the example ends").isTrue();
        String output = Files.readString(outputFile);

        assertThat(bash.exitValue()).as(output).isZero();
        assertThat(output)
                .as("the REST API finds the instance by its Name tag")
                .containsPattern("(?m)^i-[0-9a-f]{17} is aws-app-1$");
        assertThat(output)
                .as("the probe's pings answered")
                .containsPattern("aws-web-1 \\(10\\.60\\.1\\.\\d+\\) -> 10\\.60\\.2\\.\\d+: [1-9]\\d*/\\d+ answered");
    }

    /**
     * A lab with a real host, as README's "Agents that follow the control plane" starts one (the
     * agent jar the build made, as root, its placeholders filled in: this server, its admin token,
     * loopback and a free port), then "VMs on TAP ports": a tap instance on that host and, in place
     * of the QEMU guest (the block between, which needs a VM image), a namespace whose udhcpc gets
     * the lease. The namespace's name carries this test's prefix.
     */
    @Test
    void aRealAgentRunsATapInstanceAndUdhcpcGetsItsLeaseAsWritten() throws Exception {
        assumeTrue(
                "0"
                                .equals(new String(new ProcessBuilder("id", "-u")
                                                .start()
                                                .getInputStream()
                                                .readAllBytes())
                                        .strip())
                        && Files.exists(Path.of("/dev/net/tun")),
                "a real agent with tap instances needs root and /dev/net/tun");
        assertThat(REPOSITORY.resolve("vtep-agent/target/vpclab-agent.jar"))
                .as("the agent jar, made by the vtep-agent module's package phase before these tests")
                .exists();
        assertThat(demo.matrix().get(120, TimeUnit.SECONDS).allAsExpected()).isTrue();
        String token =
                Files.readString(WORK.resolve("data").resolve("admin-token")).strip();
        String agentCommand = blocks("## Agents that follow the control plane")
                .get(0)
                .replace("\\\n", " ")
                .replace("http://SERVER:8080", "http://localhost:" + port)
                .replace("BOOTSTRAP_OR_ADMIN_TOKEN", token)
                .replace("192.168.77.1", "127.0.0.1")
                .replace("[--name lab1]", "--name readme-lab")
                .replace("[--port 4789]", "--port " + FreeUdpPorts.consecutive(1))
                .strip();
        assertThat(agentCommand).startsWith("java -jar vtep-agent/target/vpclab-agent.jar --control-plane");
        Path agentState = REPOSITORY.resolve("vpclab-agent-readme-lab.properties");
        Process agent = new ProcessBuilder("bash", "-c", "exec " + agentCommand)
                .directory(REPOSITORY.toFile())
                .redirectErrorStream(true)
                .redirectOutput(WORK.resolve("agent.out").toFile())
                .start();
        String namespace = "hl-readme-guest";
        try {
            List<String> vms = blocks("## VMs on TAP ports");
            assertThat(vms).hasSize(3);
            assertThat(vms.get(1)).as("the QEMU block").startsWith("qemu-system-x86_64");
            String script = (vms.get(0) + vms.get(2))
                    .replace("http://localhost:8080", "http://localhost:" + port)
                    .replace("NS=guest", "NS=" + namespace);
            // the host is there once the agent registered and follows its stream
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> connected(token, "readme-lab"));
            Path scriptFile = WORK.resolve("vms.sh");
            Files.writeString(scriptFile, "set -e -o pipefail\n" + script);
            Process bash = new ProcessBuilder("bash", scriptFile.toString())
                    .directory(WORK.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(WORK.resolve("vms.out").toFile())
                    .start();
            assertThat(bash.waitFor(180, TimeUnit.SECONDS))
                    .as("the VM blocks end")
                    .isTrue();
            String output = Files.readString(WORK.resolve("vms.out"));

            assertThat(bash.exitValue())
                    .as(output + Files.readString(WORK.resolve("agent.out")))
                    .isZero();
            assertThat(output).contains("\"deviceName\": \"tap-vm1\"");
            assertThat(output)
                    .as("udhcpc in the namespace got the instance's address from the agent")
                    .containsPattern("lease of 10\\.0\\.1\\.\\d+ obtained from 10\\.0\\.1\\.1, lease time 3600");
            assertThat(output).as("the tenant goes with its instance").endsWith("204\n");
        } finally {
            new ProcessBuilder("ip", "netns", "del", namespace).start().waitFor(10, TimeUnit.SECONDS);
            agent.destroy();
            if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
            Files.deleteIfExists(agentState);
        }
    }

    /** True when the host named {@code name} is connected. */
    private boolean connected(String token, String name) throws IOException, InterruptedException {
        String hosts = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://localhost:" + port + "/api/v1/hosts"))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        return new tools.jackson.databind.ObjectMapper()
                .readTree(hosts)
                .path("items")
                .valueStream()
                .anyMatch(h -> h.path("name").asString().equals(name)
                        && h.path("status").asString().equals("connected"));
    }

    /** The fenced blocks of README's "REST API with curl" section, joined in order. */
    private static String walkthrough() throws IOException {
        List<String> blocks = blocks("## REST API with curl");
        assertThat(blocks).as("README's curl blocks").hasSizeGreaterThanOrEqualTo(3);
        return String.join("\n", blocks);
    }

    /**
     * The shell blocks of README's section that starts with {@code heading}, in order: fenced with
     * a bare ``` (a block fenced as ```yaml or another language is shown, not run).
     */
    private static List<String> blocks(String heading) throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf(heading + "\n");
        assertThat(start).as("README has " + heading).isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        boolean shell = false;
        for (String line :
                readme.substring(start, end < 0 ? readme.length() : end).split("\n", -1)) {
            if (line.startsWith("```")) {
                if (block == null) {
                    block = new StringBuilder();
                    shell = line.equals("```");
                } else {
                    if (shell) {
                        blocks.add(block.toString());
                    }
                    block = null;
                }
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }
}
