package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.ec2.AwsCli.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The AWS CLI's own driver in one long-lived Python process (resource {@code ec2/aws-cli-runner.py}):
 * a JSON line per command in, its exit code and output out. Started with the interpreter named by
 * the {@code aws} script on the PATH, so it is the same CLI that {@code aws} runs.
 */
final class AwsCliRunner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENDED = "";
    private static Optional<AwsCliRunner> shared;

    private final List<String> command;
    private Process process;
    private Writer requests;
    private BlockingQueue<String> replies;

    private AwsCliRunner(List<String> command) {
        this.command = command;
    }

    /** The JVM's runner, or empty where the {@code aws} on the PATH is no Python script that imports awscli. */
    static synchronized Optional<AwsCliRunner> shared() {
        if (shared == null) {
            shared = pythonOfAws().flatMap(AwsCliRunner::withScript).filter(AwsCliRunner::answers);
        }
        return shared;
    }

    synchronized Result run(List<String> args, Map<String, String> env, List<String> unset) throws Exception {
        if (process == null || !process.isAlive()) {
            start();
        }
        requests.write(JSON.writeValueAsString(Map.of("args", args, "env", env, "unset", unset)) + "\n");
        requests.flush();
        String reply = replies.poll(AwsCli.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (reply == null) {
            process.destroyForcibly();
            throw new AssertionError("aws " + String.join(" ", args) + " took over " + AwsCli.TIMEOUT_SECONDS + " s");
        }
        if (reply.equals(ENDED)) {
            throw new AssertionError("the AWS CLI runner ended during aws " + String.join(" ", args));
        }
        JsonNode result = JSON.readTree(reply);
        return new Result(
                result.get("exitCode").asInt(),
                result.get("stdout").asString(),
                result.get("stderr").asString());
    }

    private void start() throws IOException {
        process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        replies = new LinkedBlockingQueue<>();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        BlockingQueue<String> to = replies;
        // a thread of its own: a pool's thread may be busy elsewhere while a command waits
        Thread reader = new Thread(() -> readAll(out, to), "aws-cli-runner-replies");
        reader.setDaemon(true);
        reader.start();
    }

    private static void readAll(BufferedReader out, BlockingQueue<String> to) {
        try (out) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                to.add(line);
            }
        } catch (IOException e) {
            // the process ended: the same as the end of its output
        }
        to.add(ENDED);
    }

    private boolean answers() {
        try {
            return run(List.of("--version"), Map.of(), List.of()).exitCode() == 0;
        } catch (Exception | AssertionError e) {
            return false;
        }
    }

    /** The interpreter of the first {@code aws} on the PATH that is a Python script (a pyenv shim is not). */
    private static Optional<List<String>> pythonOfAws() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(":"))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "aws"))
                .filter(Files::isRegularFile)
                .map(AwsCliRunner::shebang)
                .flatMap(Optional::stream)
                .findFirst();
    }

    private static Optional<List<String>> shebang(Path script) {
        try (BufferedReader reader = Files.newBufferedReader(script, StandardCharsets.ISO_8859_1)) {
            String first = reader.readLine();
            if (first == null || !first.startsWith("#!") || !first.contains("python")) {
                return Optional.empty();
            }
            return Optional.of(List.of(first.substring(2).trim().split("\\s+")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<AwsCliRunner> withScript(List<String> interpreter) {
        try (InputStream in = AwsCliRunner.class.getResourceAsStream("/ec2/aws-cli-runner.py")) {
            Path script = Files.createTempFile("aws-cli-runner", ".py");
            script.toFile().deleteOnExit();
            Files.write(script, in.readAllBytes());
            List<String> command = new ArrayList<>(interpreter);
            command.add(script.toString());
            return Optional.of(new AwsCliRunner(List.copyOf(command)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
