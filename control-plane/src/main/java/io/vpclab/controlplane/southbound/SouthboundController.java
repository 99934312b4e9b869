package io.vpclab.controlplane.southbound;

import io.vpclab.api.SouthboundApi;
import io.vpclab.api.model.ForwardingTable;
import io.vpclab.api.model.ProbeResult;
import io.vpclab.api.model.TableAck;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Callers;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

@RestController
class SouthboundController implements SouthboundApi {

    private final SseSouthboundProvider streams;
    private final NetworkCompilation compilation;
    private final SouthboundService southbound;
    private final HostService hosts;
    private final ObjectMapper json;
    private final boolean replicated;

    SouthboundController(
            SseSouthboundProvider streams,
            NetworkCompilation compilation,
            SouthboundService southbound,
            HostService hosts,
            ObjectMapper json,
            @Value("${vpclab.replicas.enabled:false}") boolean replicated) {
        this.streams = streams;
        this.compilation = compilation;
        this.southbound = southbound;
        this.hosts = hosts;
        this.json = json;
        this.replicated = replicated;
    }

    @Override
    public ResponseEntity<ForwardingTable> getForwardingTable(String hostId) {
        hosts.requireSelfOrAdmin(Callers.current(), hostId);
        io.vpclab.client.model.ForwardingTable table = compilation
                .currentTable(hostId)
                .orElseThrow(() -> ApiException.notFound("InvalidHost.NotFound", "host " + hostId + " has no table"));
        return ResponseEntity.ok(json.convertValue(table, ForwardingTable.class));
    }

    @Override
    public ResponseEntity<Void> acknowledgeGeneration(String hostId, TableAck tableAck) {
        io.vpclab.controlplane.host.Host host = hosts.requireSelfOrAdmin(Callers.current(), hostId);
        if (!streams.incarnation().equals(tableAck.getIncarnation())) {
            // a table of another store (a data reset, another database): its generation numbers mean other tables here
            throw ApiException.conflict(
                    "IncarnationMismatch",
                    "generation " + tableAck.getGeneration() + " of incarnation '"
                            + tableAck.getIncarnation() + "' was not sent by this control plane (incarnation "
                            + streams.incarnation()
                            + "); follow the table stream for a snapshot");
        }
        // behind a proxy an ack may reach another replica than the one that streamed the table: the
        // database's desired generation is the one every replica knows
        long desired = replicated
                ? host.desiredGeneration()
                : streams.desiredTable(hostId)
                        .map(io.vpclab.client.model.ForwardingTable::getGeneration)
                        .orElse(0L);
        if (tableAck.getGeneration() > desired) {
            throw ApiException.invalidParameter("generation " + tableAck.getGeneration() + " was never sent to "
                    + hostId + " (latest is " + desired + ")");
        }
        southbound.acknowledged(hostId, tableAck.getGeneration());
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<Void> reportProbeResult(String hostId, ProbeResult probeResult) {
        hosts.requireSelfOrAdmin(Callers.current(), hostId);
        southbound.probeResult(hostId, json.convertValue(probeResult, io.vpclab.client.model.ProbeResult.class));
        return ResponseEntity.noContent().build();
    }
}
