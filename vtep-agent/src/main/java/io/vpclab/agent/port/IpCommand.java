package io.vpclab.agent.port;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs iproute2 commands; a failure carries the command line and its stderr. */
public final class IpCommand {

    private static final Logger log = LoggerFactory.getLogger(IpCommand.class);
    private static final long TIMEOUT_SECONDS = 20;

    private IpCommand() {}

    /** Runs {@code ip ARGS...}; returns stdout, or throws {@link PortSetupException} with stderr. */
    public static String ip(String... args) {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add("ip");
        command.addAll(List.of(args));
        return run(command);
    }

    static String run(List<String> command) {
        String line = String.join(" ", command);
        log.debug("running {}", line);
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new PortSetupException("'" + line + "' did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new PortSetupException("'" + line + "' failed (exit " + process.exitValue() + "): "
                        + (err.isEmpty() ? "no message" : err));
            }
            return out;
        } catch (IOException e) {
            throw new PortSetupException("cannot run '" + line + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortSetupException("interrupted while running '" + line + "'", e);
        }
    }

    /** Runs a cleanup command; failures are logged, never thrown, so later steps still run. */
    public static void ipQuietly(String... args) {
        try {
            ip(args);
        } catch (PortSetupException e) {
            log.warn("cleanup step failed: {}", e.getMessage());
        }
    }
}
