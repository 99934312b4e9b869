package io.vpclab.controlplane.southbound;

import io.vpclab.client.table.TableEventId;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.system.Callers;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/hosts/{hostId}/table-stream}. Written by hand because a generated interface
 * cannot return an {@link SseEmitter}; the contract (tag tableStream) documents the events.
 */
@RestController
class TableStreamController {

    private final SseSouthboundProvider streams;
    private final NetworkCompilation compilation;
    private final HostService hosts;
    private final TableGenerations generations;

    TableStreamController(
            SseSouthboundProvider streams,
            NetworkCompilation compilation,
            HostService hosts,
            TableGenerations generations) {
        this.streams = streams;
        this.compilation = compilation;
        this.hosts = hosts;
        this.generations = generations;
    }

    @GetMapping(path = "/api/v1/hosts/{hostId}/table-stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter follow(
            @PathVariable String hostId, @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        hosts.requireSelfOrAdmin(Callers.current(), hostId);
        compilation.ensureCompiled(hostId);
        // an id we never sent (another format, garbage, a generation no replica allocated) starts over with a snapshot
        TableEventId held = TableEventId.parse(lastEventId)
                .filter(id -> id.generation() <= generations.latest(hostId))
                .orElse(null);
        return streams.subscribe(hostId, held);
    }
}
