package io.vpclab.controlplane.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs the real AWS CLI (Debian's awscli) against a server's /ec2 endpoint with one access key,
 * isolated from the machine's own AWS profile, config and instance metadata.
 *
 * <p>Where the {@code aws} on the PATH is a Python script, the commands run in one Python process
 * per test JVM ({@link AwsCliRunner}): the CLI's own driver parses, signs, sends and prints each
 * command as the {@code aws} executable does, without paying about a CPU second to start Python and
 * load the EC2 model again for every command. Elsewhere each command starts {@code aws}.
 */
public final class AwsCli {

    static final long TIMEOUT_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MACHINE_SETTINGS = List.of("AWS_PROFILE", "AWS_SESSION_TOKEN");

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

    private static Boolean installed;

    public static synchronized boolean installed() {
        if (installed == null) {
            installed = AwsCliRunner.shared().isPresent() || SpawnedAwsCli.installed();
        }
        return installed;
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
        List<String> arguments = new ArrayList<>(List.of(args));
        arguments.addAll(List.of("--endpoint-url", endpoint, "--output", "json"));
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ACCESS_KEY_ID", accessKeyId);
        env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        // No profile, config or instance metadata of the machine running the test.
        env.put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_MAX_ATTEMPTS", "1");
        env.putAll(overrides);
        Optional<AwsCliRunner> runner = AwsCliRunner.shared();
        return runner.isPresent()
                ? runner.get().run(arguments, env, MACHINE_SETTINGS)
                : SpawnedAwsCli.run(arguments, env, MACHINE_SETTINGS);
    }
}
