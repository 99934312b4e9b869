package io.vpclab.controlplane.diagnostics;

import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.controlplane.instance.Instance;
import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.internethost.InternetHostService;
import io.vpclab.controlplane.publicnetwork.PublicNetworkProperties;
import io.vpclab.controlplane.southbound.ProbeAnswers;
import io.vpclab.controlplane.southbound.SouthboundProvider;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.Ipv4Parameters;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Runs diagnostics from an instance by asking its host's agent over the table stream and
 * waiting for the answer. The packets are real: the agent sends them from the instance's port.
 */
@Service
class ProbeService {

    /** Slack on top of the probe's own time for the round trip through the agent. */
    static final Duration AGENT_SLACK = Duration.ofSeconds(5);

    private final InstanceService instances;
    private final InternetHostService internetHosts;
    private final SouthboundProvider streams;
    private final ProbeAnswers answers;

    ProbeService(
            InstanceService instances,
            InternetHostService internetHosts,
            SouthboundProvider streams,
            ProbeAnswers answers) {
        this.instances = instances;
        this.internetHosts = internetHosts;
        this.streams = streams;
        this.answers = answers;
    }

    ProbeResult run(Caller caller, String instanceId, ProbeRequest request) {
        Instance instance = instances.get(caller, instanceId);
        if (instance.kind() == Instance.Kind.TAP) {
            throw unavailable("instance " + instanceId + " is a tap port: the agent cannot send from a VM's stack");
        }
        return send(instance.hostId(), instance.id(), request);
    }

    /**
     * As {@link #run} from an internet host (id or name), whatever the caller: anyone may send from
     * the internet. The packets leave the internet host's port on the public network.
     */
    ProbeResult runFromInternetHost(Caller caller, String idOrName, ProbeRequest request) {
        caller.requireAdminOrTenant();
        var host = internetHosts
                .find(idOrName)
                .orElseThrow(() -> ApiException.notFound(
                        "InvalidInternetHost.NotFound", "no internet host has id or name " + idOrName));
        if (host.hostId() == null) {
            throw unavailable(
                    "internet host " + host.name() + " runs on host " + host.hostName() + ", which has not registered");
        }
        return send(host.hostId(), PublicNetworkProperties.internetHostId(host.name()), request);
    }

    private ProbeResult send(String hostId, String portId, ProbeRequest request) {
        Ipv4Parameters.address(request.getTarget(), "target");
        request.requestId(UUID.randomUUID().toString()).portId(portId);
        Duration timeout = Duration.ofMillis(
                        (long) request.getTimeoutMillis() * Math.max(request.getCount(), request.getMaxHops()))
                .plus(AGENT_SLACK);
        ProbeResult result = ask(streams, answers, hostId, request, timeout);
        if (result.getError() != null) {
            throw unavailable(result.getError());
        }
        return result;
    }

    /**
     * Sends {@code request} to the agent of {@code hostId} and waits up to {@code wait} for its
     * answer (which may carry the agent's own error); refused as DiagnosticUnavailable when the
     * agent is not connected or does not answer in time.
     */
    static ProbeResult ask(
            SouthboundProvider streams, ProbeAnswers answers, String hostId, ProbeRequest request, Duration wait) {
        return ask(streams, answers, hostId, request, wait, piece -> {});
    }

    /** As above, handing {@code partials} each partial result the agent sends before its answer. */
    static ProbeResult ask(
            SouthboundProvider streams,
            ProbeAnswers answers,
            String hostId,
            ProbeRequest request,
            Duration wait,
            java.util.function.Consumer<ProbeResult> partials) {
        var answer = answers.expect(hostId, request, wait, partials);
        if (!streams.sendProbe(hostId, request)) {
            answer.cancel(false);
            throw unavailable("the agent of host " + hostId + " is not connected");
        }
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw unavailable("the agent of host " + hostId + " did not answer within " + wait);
            }
            throw unavailable(e.getCause().toString());
        }
    }

    static ApiException unavailable(String detail) {
        return new ApiException(HttpStatus.CONFLICT, "DiagnosticUnavailable", detail);
    }
}
