package io.vpclab.controlplane.diagnostics;

import io.vpclab.api.DiagnosticsApi;
import io.vpclab.api.model.BroadcastBurstRequest;
import io.vpclab.api.model.PingRequest;
import io.vpclab.api.model.PortProbeRequest;
import io.vpclab.api.model.ProbeResult;
import io.vpclab.api.model.TracerouteRequest;
import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeType;
import io.vpclab.controlplane.system.Callers;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

@RestController
class DiagnosticsController implements DiagnosticsApi {

    private final ProbeService probes;
    private final ObjectMapper json;

    DiagnosticsController(ProbeService probes, ObjectMapper json) {
        this.probes = probes;
        this.json = json;
    }

    @Override
    public ResponseEntity<ProbeResult> pingFromInstance(String instanceId, PingRequest body) {
        return run(
                instanceId,
                new ProbeRequest()
                        .type(ProbeType.PING)
                        .target(body.getTarget())
                        .count(body.getCount())
                        .timeoutMillis(body.getTimeoutMillis())
                        .size(body.getSize())
                        .dontFragment(body.getDontFragment())
                        .maxHops(1));
    }

    @Override
    public ResponseEntity<ProbeResult> broadcastBurstFromInstance(String instanceId, BroadcastBurstRequest body) {
        return run(
                instanceId,
                new ProbeRequest()
                        .type(ProbeType.ARP_BURST)
                        .target(body.getTarget())
                        .count(body.getCount())
                        .timeoutMillis(10) // the burst waits for nothing: only the agent's round trip counts
                        .maxHops(1));
    }

    @Override
    public ResponseEntity<ProbeResult> tracerouteFromInstance(String instanceId, TracerouteRequest body) {
        return run(
                instanceId,
                new ProbeRequest()
                        .type(ProbeType.TRACEROUTE)
                        .target(body.getTarget())
                        .maxHops(body.getMaxHops())
                        .timeoutMillis(body.getTimeoutMillis())
                        .count(1));
    }

    @Override
    public ResponseEntity<ProbeResult> probePortFromInstance(String instanceId, PortProbeRequest body) {
        ProbeType type = body.getProtocol() == PortProbeRequest.ProtocolEnum.UDP ? ProbeType.UDP : ProbeType.TCP;
        return run(
                instanceId,
                new ProbeRequest()
                        .type(type)
                        .target(body.getTarget())
                        .port(body.getPort())
                        .timeoutMillis(body.getTimeoutMillis())
                        .count(1)
                        .maxHops(1));
    }

    @Override
    public ResponseEntity<ProbeResult> pingFromInternetHost(String internetHostId, PingRequest body) {
        var result = probes.runFromInternetHost(
                Callers.current(),
                internetHostId,
                new ProbeRequest()
                        .type(ProbeType.PING)
                        .target(body.getTarget())
                        .count(body.getCount())
                        .timeoutMillis(body.getTimeoutMillis())
                        .maxHops(1));
        return ResponseEntity.ok(json.convertValue(result, ProbeResult.class));
    }

    @Override
    public ResponseEntity<ProbeResult> probePortFromInternetHost(String internetHostId, PortProbeRequest body) {
        ProbeType type = body.getProtocol() == PortProbeRequest.ProtocolEnum.UDP ? ProbeType.UDP : ProbeType.TCP;
        var result = probes.runFromInternetHost(
                Callers.current(),
                internetHostId,
                new ProbeRequest()
                        .type(type)
                        .target(body.getTarget())
                        .port(body.getPort())
                        .timeoutMillis(body.getTimeoutMillis())
                        .count(1)
                        .maxHops(1));
        return ResponseEntity.ok(json.convertValue(result, ProbeResult.class));
    }

    private ResponseEntity<ProbeResult> run(String instanceId, ProbeRequest request) {
        var result = probes.run(Callers.current(), instanceId, request);
        return ResponseEntity.ok(json.convertValue(result, ProbeResult.class));
    }
}
