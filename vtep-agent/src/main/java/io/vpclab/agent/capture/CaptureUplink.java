package io.vpclab.agent.capture;

import io.vpclab.agent.southbound.ControlPlaneEndpoint;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.CaptureAgentApi;
import io.vpclab.client.model.CaptureProgress;
import io.vpclab.client.model.CaptureStopReason;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent tells the control plane about its captures: progress, failure, and the pcap
 * upload. A call that fails is logged and not retried: the control plane fails a capture whose
 * pcap never arrives, so nothing waits forever.
 */
public class CaptureUplink {

    private static final Logger log = LoggerFactory.getLogger(CaptureUplink.class);

    private final ControlPlaneEndpoint endpoint;
    private final String hostId;
    private final CaptureAgentApi api;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public CaptureUplink(ControlPlaneEndpoint endpoint, String hostId) {
        this.endpoint = endpoint;
        this.hostId = hostId;
        this.api = new CaptureAgentApi(endpoint.apiClient());
    }

    void running(String captureId, long packets) {
        report(
                captureId,
                new CaptureProgress().status(CaptureProgress.StatusEnum.RUNNING).packets(packets));
    }

    void failed(String captureId, String why) {
        report(
                captureId,
                new CaptureProgress()
                        .status(CaptureProgress.StatusEnum.FAILED)
                        .error(why.length() > 1000 ? why.substring(0, 1000) : why));
    }

    private void report(String captureId, CaptureProgress progress) {
        try {
            api.reportCaptureProgress(hostId, captureId, progress);
        } catch (ApiException e) {
            log.warn(
                    "could not report capture {} as {}: HTTP {} {}",
                    captureId,
                    progress.getStatus(),
                    e.getCode(),
                    e.getResponseBody());
        }
    }

    /** Streams the file to the control plane; true when it was accepted. */
    boolean upload(String captureId, Path pcap, CaptureStopReason reason) {
        URI uri = URI.create(endpoint.baseUri() + "/api/v1/hosts/" + encode(hostId) + "/captures/" + encode(captureId)
                + "/pcap?stopReason=" + encode(reason.getValue()));
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri)
                            .header("Authorization", "Bearer " + endpoint.token())
                            .header("Content-Type", "application/vnd.tcpdump.pcap")
                            .timeout(Duration.ofSeconds(60))
                            .PUT(HttpRequest.BodyPublishers.ofFile(pcap))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 204) {
                log.warn(
                        "the control plane refused the pcap of capture {}: HTTP {} {}",
                        captureId,
                        response.statusCode(),
                        response.body());
                return false;
            }
            return true;
        } catch (IOException e) {
            log.warn("could not upload the pcap of capture {}: {}", captureId, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
