package io.vpclab.controlplane.diagnostics;

import io.vpclab.api.model.ExecRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.controlplane.instance.Instance;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Callers;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code POST /api/v1/instances/{id}/exec} with {@code Accept: application/x-ndjson}: the output
 * as the command runs, one JSON object a line, then its exit code. The generated interface answers
 * one JSON document at the end, which cannot stream, so this content type has its own handler
 * (written into the response as each piece arrives from the agent, flushed line by line).
 */
@RestController
class ExecStreamController {

    static final String NDJSON = "application/x-ndjson";

    private final ExecService exec;
    private final ObjectMapper json;

    ExecStreamController(ExecService exec, ObjectMapper json) {
        this.exec = exec;
        this.json = json;
    }

    @PostMapping(path = "/api/v1/instances/{instanceId}/exec", consumes = "application/json", produces = NDJSON)
    void execStreaming(
            @PathVariable String instanceId, @Valid @RequestBody ExecRequest body, HttpServletResponse response)
            throws IOException {
        // refusals come before the first byte, as problem+json like every other refusal
        Instance instance = exec.check(Callers.current(), instanceId);
        response.setContentType(NDJSON);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        OutputStream out = response.getOutputStream();
        Map<String, Object> end = new LinkedHashMap<>();
        java.util.Set<String> streamed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try {
            ExecService.Outcome outcome = exec.run(
                    instance,
                    body.getCommand(),
                    Duration.ofSeconds(body.getTimeoutSeconds()),
                    body.getMaxOutputBytes(),
                    piece -> {
                        try {
                            Map<String, Object> event = piece(piece);
                            streamed.add((String) event.get("stream"));
                            line(out, event);
                        } catch (UncheckedIOException clientGone) {
                            // the agent's report must not fail for it; the end is not written either
                        }
                    });
            ProbeResult result = outcome.result();
            // a simulated instance answers at the end only: its output goes out whole, before the exit code
            if (!streamed.contains("stdout")
                    && result.getStdout() != null
                    && !result.getStdout().isEmpty()) {
                line(out, output("stdout", result.getStdout()));
            }
            if (!streamed.contains("stderr")
                    && result.getStderr() != null
                    && !result.getStderr().isEmpty()) {
                line(out, output("stderr", result.getStderr()));
            }
            end.put("exitCode", result.getExitCode() == null ? -1 : result.getExitCode());
            end.put("timedOut", Boolean.TRUE.equals(result.getTimedOut()));
            end.put("outputTruncated", Boolean.TRUE.equals(result.getOutputTruncated()));
            end.put("hostId", outcome.hostId());
        } catch (UncheckedIOException clientGone) {
            return; // the client hung up; the command was bounded by its timeout all the same
        } catch (ApiException e) {
            // the stream has begun: the refusal is its last line
            end.put("code", e.code());
            end.put("error", e.getMessage());
        }
        try {
            line(out, end);
        } catch (UncheckedIOException clientGone) {
            // the client hung up before the end; the command was bounded by its timeout all the same
        }
    }

    private static Map<String, Object> piece(ProbeResult piece) {
        return piece.getStderr() != null
                ? output("stderr", piece.getStderr())
                : output("stdout", piece.getStdout() == null ? "" : piece.getStdout());
    }

    /** An output event, "stream" first: Map.of would order its keys differently from one JVM to the next. */
    private static Map<String, Object> output(String stream, String data) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("stream", stream);
        event.put("data", data);
        return event;
    }

    /** One event on its own line, sent at once (pieces come from the agent's reports, the end from here). */
    private void line(OutputStream out, Map<String, Object> event) {
        synchronized (out) {
            try {
                out.write(json.writeValueAsBytes(event));
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
