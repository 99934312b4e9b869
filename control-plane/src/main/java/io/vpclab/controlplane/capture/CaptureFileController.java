package io.vpclab.controlplane.capture;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.Callers;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Locale;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The pcap files (contract tag captureFiles). Written by hand so the upload streams to disk
 * with a size bound instead of being buffered whole by a message converter.
 */
@RestController
class CaptureFileController {

    static final MediaType PCAP = MediaType.parseMediaType("application/vnd.tcpdump.pcap");

    private final CaptureService captures;

    CaptureFileController(CaptureService captures) {
        this.captures = captures;
    }

    @GetMapping("/api/v1/captures/{captureId}/pcap")
    ResponseEntity<Resource> download(@PathVariable String captureId) {
        byte[] pcap = captures.pcap(Callers.current(), captureId);
        return ResponseEntity.ok()
                .contentType(PCAP)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename(captureId + ".pcap")
                                .build()
                                .toString())
                .body(new ByteArrayResource(pcap));
    }

    @PutMapping(
            path = "/api/v1/hosts/{hostId}/captures/{captureId}/pcap",
            consumes = {"application/vnd.tcpdump.pcap", MediaType.APPLICATION_OCTET_STREAM_VALUE})
    ResponseEntity<Void> upload(
            @PathVariable String hostId,
            @PathVariable String captureId,
            @RequestParam(required = false) String stopReason,
            HttpServletRequest request)
            throws IOException {
        requireHostOrAdmin(hostId);
        captures.upload(hostId, captureId, request.getInputStream(), stopReason(stopReason));
        return ResponseEntity.noContent().build();
    }

    private static Capture.StopReason stopReason(String text) {
        if (text == null || text.isBlank()) {
            return Capture.StopReason.REQUESTED;
        }
        try {
            return Capture.StopReason.valueOf(
                    text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter(
                    "stopReason must be requested, max-packets, max-seconds or max-bytes, got " + text);
        }
    }

    /** A host's own token (or the admin's) reports on its captures; anyone else sees 404. */
    static void requireHostOrAdmin(String hostId) {
        Caller caller = Callers.current();
        if (!caller.isAdmin() && !(caller.isHost() && caller.id().equals(hostId))) {
            throw ApiException.notFound("InvalidHost.NotFound", "host " + hostId + " is not registered");
        }
    }
}
