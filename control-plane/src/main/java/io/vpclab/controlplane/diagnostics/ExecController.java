package io.vpclab.controlplane.diagnostics;

import io.vpclab.api.ExecApi;
import io.vpclab.api.model.ExecRequest;
import io.vpclab.api.model.ExecResult;
import io.vpclab.controlplane.system.Callers;
import java.time.Duration;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ExecController implements ExecApi {

    private final ExecService exec;

    ExecController(ExecService exec) {
        this.exec = exec;
    }

    @Override
    public ResponseEntity<ExecResult> execInInstance(String instanceId, ExecRequest body) {
        ExecService.Outcome outcome = exec.run(
                Callers.current(),
                instanceId,
                body.getCommand(),
                Duration.ofSeconds(body.getTimeoutSeconds()),
                body.getMaxOutputBytes());
        var result = outcome.result();
        return ResponseEntity.ok(new ExecResult(
                instanceId,
                outcome.hostId(),
                result.getExitCode() == null ? -1 : result.getExitCode(),
                nullToEmpty(result.getStdout()),
                nullToEmpty(result.getStderr()),
                Boolean.TRUE.equals(result.getOutputTruncated()),
                Boolean.TRUE.equals(result.getTimedOut())));
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
