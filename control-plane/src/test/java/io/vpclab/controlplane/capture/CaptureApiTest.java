package io.vpclab.controlplane.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.CaptureAgentApi;
import io.vpclab.client.api.CapturesApi;
import io.vpclab.client.model.Capture;
import io.vpclab.client.model.CaptureCreate;
import io.vpclab.client.model.CaptureProgress;
import io.vpclab.client.model.CaptureStatus;
import io.vpclab.client.model.CaptureStopReason;
import io.vpclab.client.model.CaptureTarget;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.RegisteredHost;
import io.vpclab.controlplane.ApiTestSupport;
import io.vpclab.controlplane.southbound.SseClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The capture API against a fake agent that follows the host's table stream by hand: what the
 * agent is told, what it may report and upload, and what every caller may see and download.
 */
class CaptureApiTest extends ApiTestSupport {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TenantClient tenant;
    private RegisteredHost host;
    private Instance instance;

    @BeforeEach
    void topology() throws Exception {
        tenant = newTenant();
        host = newHost();
        var vpc = tenant.vpc("10.8.0.0/16");
        var subnet = tenant.subnet(vpc.getVpcId(), "10.8.1.0/24");
        instance = tenant.instances()
                .runInstance(new InstanceCreate()
                        .subnetId(subnet.getSubnetId())
                        .hostId(host.getHost().getHostId()));
    }

    @Test
    void badRequestsAreRefusedInWordsAndBookNothing() throws Exception {
        CapturesApi captures = new CapturesApi(tenant.api());
        assertRefused(400, "MissingParameter", () -> captures.startCapture(new CaptureCreate()));
        assertRefused(
                400,
                "InvalidParameterCombination",
                () -> captures.startCapture(new CaptureCreate()
                        .instanceId(instance.getInstanceId())
                        .hostId(host.getHost().getHostId())));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> captures.startCapture(
                        new CaptureCreate().instanceId(instance.getInstanceId()).maxPackets(0)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> captures.startCapture(
                        new CaptureCreate().instanceId(instance.getInstanceId()).maxSeconds(601)));
        assertRefused(
                403,
                "UnauthorizedOperation",
                () -> captures.startCapture(
                        new CaptureCreate().hostId(host.getHost().getHostId())));
        assertRefused(
                404,
                "InvalidInstanceID.NotFound",
                () -> new CapturesApi(newTenant().api())
                        .startCapture(new CaptureCreate().instanceId(instance.getInstanceId())));
        assertRefused(
                404,
                "InvalidHost.NotFound",
                () -> new CapturesApi(admin()).startCapture(new CaptureCreate().hostId("host-00000000000000000")));
        // no agent follows the host's stream: nothing can capture, and nothing is booked
        assertRefused(
                409,
                "CaptureUnavailable",
                () -> captures.startCapture(new CaptureCreate().instanceId(instance.getInstanceId())));
        assertRefused(404, "InvalidCapture.NotFound", () -> captures.getCapture("cap-00000000000000000"));
        assertThat(captures.listCaptures().getItems()).isEmpty();
    }

    @Test
    void portCaptureRunsThroughTheAgentAndDownloadsAsPcap() throws Exception {
        try (SseClient agent = stream()) {
            CapturesApi captures = new CapturesApi(tenant.api());
            Capture started = captures.startCapture(
                    new CaptureCreate().instanceId(instance.getInstanceId()).maxPackets(5));
            assertThat(started.getStatus()).isEqualTo(CaptureStatus.STARTING);
            assertThat(started.getTarget().getKind()).isEqualTo(CaptureTarget.KindEnum.PORT);
            assertThat(started.getMaxSeconds()).isEqualTo(60);
            JsonNode command = nextCaptureCommand(agent);
            assertThat(command.path("action").asString()).isEqualTo("start");
            assertThat(command.path("captureId").asString()).isEqualTo(started.getCaptureId());
            assertThat(command.path("point").asString()).isEqualTo(instance.getInstanceId());
            assertThat(command.path("maxPackets").asInt()).isEqualTo(5);

            String id = started.getCaptureId();
            assertThat(download(id, tenant.token()).statusCode()).isEqualTo(409);
            CaptureAgentApi hostApi = new CaptureAgentApi(client(host.getToken()));
            hostApi.reportCaptureProgress(
                    host.getHost().getHostId(),
                    id,
                    new CaptureProgress()
                            .status(CaptureProgress.StatusEnum.RUNNING)
                            .packets(3L));
            assertThat(captures.getCapture(id).getStatus()).isEqualTo(CaptureStatus.RUNNING);
            assertThat(captures.getCapture(id).getPackets()).isEqualTo(3);

            RegisteredHost stranger = newHost();
            byte[] pcap = pcap(2);
            assertThat(upload(host.getHost().getHostId(), id, stranger.getToken(), pcap, "max-packets")
                            .statusCode())
                    .isEqualTo(404);
            HttpResponse<String> garbage =
                    upload(host.getHost().getHostId(), id, host.getToken(), "not a pcap file at all".getBytes(), null);
            assertThat(garbage.statusCode()).isEqualTo(400);
            assertThat(json(garbage.body()).path("code").asString()).isEqualTo("InvalidCapture.Malformed");
            assertThat(captures.getCapture(id).getStatus())
                    .as("a refused upload changes nothing")
                    .isEqualTo(CaptureStatus.RUNNING);
            byte[] truncated = java.util.Arrays.copyOf(pcap, pcap.length - 3);
            assertThat(upload(host.getHost().getHostId(), id, host.getToken(), truncated, null)
                            .statusCode())
                    .isEqualTo(400);

            assertThat(upload(host.getHost().getHostId(), id, host.getToken(), pcap, "max-packets")
                            .statusCode())
                    .isEqualTo(204);
            Capture stopped = captures.getCapture(id);
            assertThat(stopped.getStatus()).isEqualTo(CaptureStatus.STOPPED);
            assertThat(stopped.getPackets()).as("counted from the file").isEqualTo(2);
            assertThat(stopped.getBytes()).isEqualTo(pcap.length);
            assertThat(stopped.getStopReason()).isEqualTo(CaptureStopReason.MAX_PACKETS);
            assertThat(stopped.getStoppedAt()).isNotNull();
            assertThat(upload(host.getHost().getHostId(), id, host.getToken(), pcap, null)
                            .statusCode())
                    .as("one pcap per capture")
                    .isEqualTo(409);

            HttpResponse<byte[]> file = download(id, tenant.token());
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.headers().firstValue("Content-Type")).hasValue("application/vnd.tcpdump.pcap");
            assertThat(file.headers().firstValue("Content-Disposition"))
                    .hasValueSatisfying(
                            d -> assertThat(d).startsWith("attachment").contains(id + ".pcap"));
            assertThat(file.body()).isEqualTo(pcap);
            assertThat(captures.stopCapture(id).getStatus())
                    .as("stopping a finished capture changes nothing")
                    .isEqualTo(CaptureStatus.STOPPED);

            TenantClient other = newTenant();
            assertThat(new CapturesApi(other.api()).listCaptures().getItems()).isEmpty();
            assertThat(download(id, other.token()).statusCode()).isEqualTo(404);
            assertThat(captures.listCaptures().getItems())
                    .extracting(Capture::getCaptureId)
                    .containsExactly(id);

            captures.deleteCapture(id);
            assertRefused(404, "InvalidCapture.NotFound", () -> captures.getCapture(id));
            assertThat(download(id, tenant.token()).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void underlayCaptureStopsOnRequestAndAFailureIsReported() throws Exception {
        try (SseClient agent = stream()) {
            CapturesApi admin = new CapturesApi(admin());
            Capture underlay = admin.startCapture(
                    new CaptureCreate().hostId(host.getHost().getHostId()).maxSeconds(30));
            assertThat(underlay.getTarget().getKind()).isEqualTo(CaptureTarget.KindEnum.UNDERLAY);
            assertThat(underlay.getTenantId()).isNull();
            assertThat(nextCaptureCommand(agent).path("point").asString()).isEqualTo("underlay");
            assertThat(new CapturesApi(tenant.api()).listCaptures().getItems())
                    .as("a tenant never sees the underlay")
                    .isEmpty();

            CompletableFuture<Capture> stopping = CompletableFuture.supplyAsync(() -> {
                try {
                    return admin.stopCapture(underlay.getCaptureId());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            JsonNode stop = nextCaptureCommand(agent);
            assertThat(stop.path("action").asString()).isEqualTo("stop");
            assertThat(stop.path("captureId").asString()).isEqualTo(underlay.getCaptureId());
            assertThat(upload(host.getHost().getHostId(), underlay.getCaptureId(), host.getToken(), pcap(1), null)
                            .statusCode())
                    .isEqualTo(204);
            Capture stopped = stopping.get();
            assertThat(stopped.getStatus())
                    .as("stop answers once the pcap is in")
                    .isEqualTo(CaptureStatus.STOPPED);
            assertThat(stopped.getStopReason()).isEqualTo(CaptureStopReason.REQUESTED);

            Capture port = new CapturesApi(tenant.api())
                    .startCapture(new CaptureCreate().instanceId(instance.getInstanceId()));
            nextCaptureCommand(agent);
            new CaptureAgentApi(client(host.getToken()))
                    .reportCaptureProgress(
                            host.getHost().getHostId(),
                            port.getCaptureId(),
                            new CaptureProgress()
                                    .status(CaptureProgress.StatusEnum.FAILED)
                                    .error("no port i-x in the current table"));
            Capture failed = admin.getCapture(port.getCaptureId());
            assertThat(failed.getStatus()).isEqualTo(CaptureStatus.FAILED);
            assertThat(failed.getError()).contains("no port");
            assertThat(download(port.getCaptureId(), ADMIN_TOKEN).statusCode()).isEqualTo(409);
            assertThat(admin.listCaptures().getItems())
                    .extracting(Capture::getCaptureId)
                    .as("newest first")
                    .containsExactly(port.getCaptureId(), underlay.getCaptureId());
        }
    }

    private SseClient stream() throws Exception {
        SseClient client = new SseClient(
                URI.create("http://localhost:" + port + "/api/v1/hosts/"
                        + host.getHost().getHostId() + "/table-stream"),
                host.getToken(),
                null);
        assertThat(client.status()).isEqualTo(200);
        assertThat(client.next().name()).isEqualTo("snapshot");
        return client;
    }

    /** Skips table events until the next {@code capture} event. */
    private static JsonNode nextCaptureCommand(SseClient agent) throws InterruptedException {
        while (true) {
            SseClient.Event event = agent.next();
            if (event.name().equals("capture")) {
                return json(event.data());
            }
        }
    }

    private HttpResponse<String> upload(String hostId, String captureId, String token, byte[] body, String stopReason)
            throws Exception {
        String query = stopReason == null ? "" : "?stopReason=" + stopReason;
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/hosts/" + hostId + "/captures/"
                                + captureId + "/pcap" + query))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/vnd.tcpdump.pcap")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> download(String captureId, String token) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/api/v1/captures/" + captureId + "/pcap"))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A classic pcap (little endian, microseconds, Ethernet) with {@code frames} 60-byte records. */
    static byte[] pcap(int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xa1b2c3d4)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(65535)
                .putInt(1);
        out.writeBytes(header.array());
        for (int i = 0; i < frames; i++) {
            ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            record.putInt(1_700_000_000 + i).putInt(0).putInt(60).putInt(60);
            out.writeBytes(record.array());
            out.writeBytes(new byte[60]);
        }
        return out.toByteArray();
    }
}
