package io.vpclab.controlplane.southbound;

import io.vpclab.api.SouthboundApi;
import io.vpclab.api.model.ForwardingTable;
import io.vpclab.api.model.ProbeResult;
import io.vpclab.api.model.TableAck;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Callers;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

@RestController
class SouthboundController implements SouthboundApi {

    private final TableStreams streams;
    private final NetworkCompilation compilation;
    private final SouthboundService southbound;
    private final HostService hosts;
    private final ObjectMapper json;

    SouthboundController(TableStreams streams, NetworkCompilation compilation, SouthboundService southbound,
            HostService hosts, ObjectMapper json) {
        this.streams = streams;
        this.compilation = compilation;
        this.southbound = southbound;
        this.hosts = hosts;
        this.json = json;
    }

    @Override
    public ResponseEntity<ForwardingTable> getForwardingTable(String hostId) {
        TableStreamController.requireHostOrAdmin(Callers.current(), hostId, hosts);
        compilation.ensureCompiled(hostId);
        io.vpclab.client.model.ForwardingTable table = streams.desiredTable(hostId)
                .orElseThrow(() -> ApiException.notFound("InvalidHost.NotFound", "host " + hostId + " has no table"));
        return ResponseEntity.ok(json.convertValue(table, ForwardingTable.class));
    }

    @Override
    public ResponseEntity<Void> acknowledgeGeneration(String hostId, TableAck tableAck) {
        TableStreamController.requireHostOrAdmin(Callers.current(), hostId, hosts);
        if (!streams.incarnation().equals(tableAck.getIncarnation())) {
            // a table of an earlier run of the server: its generation numbers may mean other tables now
            throw ApiException.conflict("IncarnationMismatch", "generation " + tableAck.getGeneration() + " of incarnation '"
                    + tableAck.getIncarnation() + "' was not sent by this server (incarnation " + streams.incarnation()
                    + "); follow the table stream for a snapshot");
        }
        long desired = streams.desiredTable(hostId).map(io.vpclab.client.model.ForwardingTable::getGeneration).orElse(0L);
        if (tableAck.getGeneration() > desired) {
            throw ApiException.invalidParameter("generation " + tableAck.getGeneration()
                    + " was never sent to " + hostId + " (latest is " + desired + ")");
        }
        southbound.acknowledged(hostId, tableAck.getGeneration());
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<Void> reportProbeResult(String hostId, ProbeResult probeResult) {
        TableStreamController.requireHostOrAdmin(Callers.current(), hostId, hosts);
        southbound.probeResult(hostId, json.convertValue(probeResult, io.vpclab.client.model.ProbeResult.class));
        return ResponseEntity.noContent().build();
    }
}
