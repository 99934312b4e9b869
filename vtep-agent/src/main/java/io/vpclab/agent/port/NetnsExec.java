package io.vpclab.agent.port;

import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.dataplane.table.LocalPort;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an exec request's command in a {@code netns} port's namespace ({@code ip netns exec}),
 * stdin closed, each output kept up to the request's limit, ended with its descendants at the
 * request's timeout. What the command leaves running in the background stays in the namespace
 * until the port is removed ({@link PortProvisioner#removeNamespace}).
 */
public final class NetnsExec {

    /** Exit code of a command ended at its timeout, as coreutils timeout(1) reports it. */
    public static final int TIMED_OUT = 124;

    /** How long the outputs may stay open after the command ended (a background child holding them). */
    private static final long OUTPUT_GRACE_MILLIS = 1000;

    private static final Logger log = LoggerFactory.getLogger(NetnsExec.class);

    private NetnsExec() {}

    public static ProbeResult run(LocalPort port, ProbeRequest request) {
        return run(port, request, null);
    }

    /**
     * As {@link #run(LocalPort, ProbeRequest)}, telling {@code pieces} ("stdout" or "stderr", text)
     * each piece of output as it is read, when the caller streams it.
     */
    public static ProbeResult run(LocalPort port, ProbeRequest request, BiConsumer<String, String> pieces) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", PortNames.namespace(port)));
        line.addAll(request.getCommand());
        int limit = request.getMaxOutputBytes() == null ? 65536 : request.getMaxOutputBytes();
        log.info("port {}: exec {}", port.id(), request.getCommand());
        try {
            Process process = new ProcessBuilder(line).start();
            process.getOutputStream().close();
            BoundedOutput out = BoundedOutput.start(
                    process.getInputStream(), limit, "exec-out-" + port.id(), listener(pieces, "stdout"));
            BoundedOutput err = BoundedOutput.start(
                    process.getErrorStream(), limit, "exec-err-" + port.id(), listener(pieces, "stderr"));
            boolean finished = process.waitFor(request.getTimeoutMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            return new ProbeResult()
                    .sent(0)
                    .received(0)
                    .exitCode(finished ? process.exitValue() : TIMED_OUT)
                    .timedOut(!finished)
                    .stdout(out.text(OUTPUT_GRACE_MILLIS))
                    .stderr(err.text(OUTPUT_GRACE_MILLIS))
                    .outputTruncated(out.truncated() || err.truncated());
        } catch (IOException e) {
            throw new PortSetupException("cannot run " + String.join(" ", line) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortSetupException("interrupted: " + String.join(" ", line), e);
        }
    }

    private static java.util.function.Consumer<String> listener(BiConsumer<String, String> pieces, String stream) {
        return pieces == null ? null : text -> pieces.accept(stream, text);
    }
}
