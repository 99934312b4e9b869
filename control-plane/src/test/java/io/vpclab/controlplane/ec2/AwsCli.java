package io.vpclab.controlplane.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs the real AWS CLI (Debian's awscli) against a server's /ec2 endpoint with one access key,
 * isolated from the machine's own AWS profile, config and instance metadata.
 */
public final class AwsCli {

    private static final long TIMEOUT_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one run printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {

        public JsonNode json() {
            return JSON.readTree(stdout);
        }
    }

    private final String endpoint;
    private final String accessKeyId;
    private final String secretAccessKey;

    public AwsCli(String endpoint, String accessKeyId, String secretAccessKey) {
        this.endpoint = endpoint;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
    }

    public static boolean installed() {
        try {
            Process process = new ProcessBuilder("aws", "--version")
                    .redirectErrorStream(true)
                    .start();
            process.getInputStream().readAllBytes();
            return process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code aws args...}, asserting it succeeded, and reads its JSON output. */
    public JsonNode ok(String... args) throws Exception {
        Result result = run(Map.of(), args);
        assertThat(result.exitCode())
                .as("aws %s: %s", String.join(" ", args), result.stderr())
                .isZero();
        return result.stdout().isBlank() ? JSON.nullNode() : result.json();
    }

    /** Runs {@code aws args...}, asserting it was refused; the stderr names EC2's error code. */
    public Result refused(String... args) throws Exception {
        Result result = run(Map.of(), args);
        assertThat(result.exitCode())
                .as("aws %s should be refused", String.join(" ", args))
                .isNotZero();
        return result;
    }

    public Result run(Map<String, String> overrides, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", endpoint, "--output", "json"));
        Path out = Files.createTempFile("aws-out", ".txt");
        Path err = Files.createTempFile("aws-err", ".txt");
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> env = builder.environment();
            env.put("AWS_ACCESS_KEY_ID", accessKeyId);
            env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
            env.put("AWS_DEFAULT_REGION", "us-east-1");
            // No profile, config or instance metadata of the machine running the test.
            env.put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
            env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
            env.put("AWS_EC2_METADATA_DISABLED", "true");
            env.put("AWS_MAX_ATTEMPTS", "1");
            env.remove("AWS_PROFILE");
            env.remove("AWS_SESSION_TOKEN");
            env.putAll(overrides);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("aws " + String.join(" ", args) + " took over " + TIMEOUT_SECONDS + " s");
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
