package io.vpclab.controlplane.diagnostics;

import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.ProbeType;
import io.vpclab.controlplane.instance.Instance;
import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.southbound.ProbeAnswers;
import io.vpclab.controlplane.southbound.SouthboundProvider;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Runs a command in an instance through its host's agent, on the channel the probes use (an
 * {@code exec} probe on the table stream, answered like a probe). Admin only: a netns instance's
 * command runs as root on the agent's machine. Every exec is logged with its outcome.
 */
@Service
class ExecService {

    private static final Logger log = LoggerFactory.getLogger(ExecService.class);

    private final InstanceService instances;
    private final SouthboundProvider streams;
    private final ProbeAnswers answers;

    ExecService(InstanceService instances, SouthboundProvider streams, ProbeAnswers answers) {
        this.instances = instances;
        this.streams = streams;
        this.answers = answers;
    }

    /** What the agent answered; {@code hostId} is where it ran. */
    record Outcome(String hostId, ProbeResult result) {}

    Outcome run(Caller caller, String instanceId, List<String> command, Duration timeout, int maxOutputBytes) {
        return run(check(caller, instanceId), command, timeout, maxOutputBytes, null);
    }

    /**
     * The instance a caller may exec in; refused (admin only, not found, a tap port) before anything
     * runs, so a streamed exec can still answer its refusal as problem+json.
     */
    Instance check(Caller caller, String instanceId) {
        caller.requireAdmin();
        Instance instance = instances.get(caller, instanceId);
        if (instance.kind() == Instance.Kind.TAP) {
            throw unavailable("instance " + instanceId + " is a tap port: its stack is a VM's, the agent cannot run"
                    + " commands in it");
        }
        return instance;
    }

    /**
     * Runs the command in a {@link #check checked} instance; with {@code pieces}, the agent streams the
     * output and each piece is handed over as it arrives (stdout or stderr set to the new text).
     */
    Outcome run(
            Instance instance,
            List<String> command,
            Duration timeout,
            int maxOutputBytes,
            java.util.function.Consumer<ProbeResult> pieces) {
        String instanceId = instance.id();
        ProbeRequest request = new ProbeRequest()
                        .requestId(UUID.randomUUID().toString())
                        .portId(instance.id())
                        .type(ProbeType.EXEC)
                        .target(instance.privateIpAddress())
                        .command(List.copyOf(command))
                        .timeoutMillis((int) timeout.toMillis())
                        .maxOutputBytes(maxOutputBytes)
                        .stream(pieces != null);
        Duration wait = timeout.plus(ProbeService.AGENT_SLACK);
        ProbeResult result = ProbeService.ask(
                streams, answers, instance.hostId(), request, wait, pieces == null ? piece -> {} : pieces);
        if (result.getError() != null) {
            log.info(
                    "exec in {} on host {}: {} refused: {}", instanceId, instance.hostId(), command, result.getError());
            throw unavailable(result.getError());
        }
        log.info(
                "exec in {} on host {}: {} -> exit {}{}",
                instanceId,
                instance.hostId(),
                command,
                result.getExitCode(),
                Boolean.TRUE.equals(result.getTimedOut()) ? " (timed out)" : "");
        return new Outcome(instance.hostId(), result);
    }

    private static ApiException unavailable(String detail) {
        return ProbeService.unavailable(detail);
    }
}
