package io.vpclab.controlplane.southbound;

import io.vpclab.client.table.TableEventId;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
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

    private final TableStreams streams;
    private final NetworkCompilation compilation;
    private final HostService hosts;

    TableStreamController(TableStreams streams, NetworkCompilation compilation, HostService hosts) {
        this.streams = streams;
        this.compilation = compilation;
        this.hosts = hosts;
    }

    @GetMapping(path = "/api/v1/hosts/{hostId}/table-stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter follow(@PathVariable String hostId,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        requireHostOrAdmin(Callers.current(), hostId, hosts);
        compilation.ensureCompiled(hostId);
        // an id we never sent (another format, garbage) starts over with a snapshot
        return streams.subscribe(hostId, TableEventId.parse(lastEventId).orElse(null));
    }

    /** The host's own token (or the admin's) may use its southbound; anyone else sees 404. */
    static void requireHostOrAdmin(Caller caller, String hostId, HostService hosts) {
        boolean allowed = caller.isAdmin() || (caller.isHost() && caller.id().equals(hostId));
        if (!allowed) {
            throw ApiException.notFound("InvalidHost.NotFound", "host " + hostId + " is not registered");
        }
        hosts.get(Caller.admin(), hostId);
    }
}
