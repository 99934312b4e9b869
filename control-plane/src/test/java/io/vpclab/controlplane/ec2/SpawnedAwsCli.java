package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.ec2.AwsCli.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One {@code aws} process per command: where the CLI on the PATH is not a Python script. */
final class SpawnedAwsCli {

    private SpawnedAwsCli() {}

    static boolean installed() {
        try {
            Process process = new ProcessBuilder("aws", "--version")
                    .redirectErrorStream(true)
                    .start();
            process.getInputStream().readAllBytes();
            return process.waitFor(AwsCli.TIMEOUT_SECONDS, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Result run(List<String> args, Map<String, String> env, List<String> unset) throws Exception {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(args);
        return command(command, env, unset, AwsCli.TIMEOUT_SECONDS);
    }

    /** Runs {@code command} with {@code env} added and {@code unset} removed, and reads what it printed. */
    static Result command(List<String> command, Map<String, String> env, List<String> unset, long timeoutSeconds)
            throws Exception {
        Path out = Files.createTempFile("command-out", ".txt");
        Path err = Files.createTempFile("command-err", ".txt");
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            unset.forEach(builder.environment()::remove);
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " took over " + timeoutSeconds + " s");
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
