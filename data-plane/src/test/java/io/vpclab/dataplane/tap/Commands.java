package io.vpclab.dataplane.tap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code ip} and friends for the root-only TAP tests; a failure carries the command's output. */
final class Commands {

    private Commands() {
    }

    static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited "
                        + process.exitValue() + ": " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + List.of(command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + List.of(command), e);
        }
    }

    static void runQuietly(String... command) {
        try {
            run(command);
        } catch (IllegalStateException ignored) {
            // best-effort cleanup
        }
    }

    static boolean isRoot() {
        try {
            return "0".equals(run("id", "-u").strip());
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
