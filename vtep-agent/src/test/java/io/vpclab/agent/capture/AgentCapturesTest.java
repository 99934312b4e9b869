package io.vpclab.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.southbound.ControlPlaneEndpoint;
import io.vpclab.client.model.CaptureCommand;
import io.vpclab.client.model.CaptureStopReason;
import io.vpclab.dataplane.Vtep;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's side of captures against a real VTEP, with the control plane replaced by a recorder. */
class AgentCapturesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** What the agent told the control plane, in order. */
    record Report(String kind, String captureId, String detail) {}

    static final class RecordingUplink extends CaptureUplink {
        final List<Report> reports = new CopyOnWriteArrayList<>();
        final List<Path> uploadedFiles = new CopyOnWriteArrayList<>();

        RecordingUplink() {
            super(new ControlPlaneEndpoint(URI.create("http://127.0.0.1:9"), "unused"), "host-1");
        }

        @Override
        void running(String captureId, long packets) {
            reports.add(new Report("running", captureId, Long.toString(packets)));
        }

        @Override
        void failed(String captureId, String why) {
            reports.add(new Report("failed", captureId, why));
        }

        @Override
        boolean upload(String captureId, Path pcap, CaptureStopReason reason) {
            try {
                ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
                reports.add(new Report(
                        "upload",
                        captureId,
                        reason.getValue() + " " + header.capacity() + " bytes magic "
                                + Integer.toHexString(header.getInt(0))));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            uploadedFiles.add(pcap);
            return true;
        }

        boolean has(String kind, String captureId) {
            return reports.stream()
                    .anyMatch(r -> r.kind().equals(kind) && r.captureId().equals(captureId));
        }

        Report first(String kind, String captureId) {
            return reports.stream()
                    .filter(r -> r.kind().equals(kind) && r.captureId().equals(captureId))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private Vtep vtep;
    private RecordingUplink uplink;
    private AgentCaptures captures;

    @BeforeEach
    void start() {
        vtep = new Vtep(new InMemoryUnderlay.Hub().join(new InetSocketAddress("10.255.0.1", 4789)));
        uplink = new RecordingUplink();
        captures = new AgentCaptures(vtep, uplink);
    }

    @AfterEach
    void stop() {
        captures.close();
        vtep.close();
    }

    @Test
    void anUnderlayCaptureEndsAtItsTimeBoundAndUploadsItsPcapThenDeletesIt() {
        captures.handle(start("cap-1", "underlay", 1));

        await().atMost(WAIT).until(() -> uplink.has("upload", "cap-1"));
        assertThat(uplink.first("running", "cap-1").detail()).isEqualTo("0");
        assertThat(uplink.first("upload", "cap-1").detail())
                .as("no traffic: the 24-byte header alone")
                .isEqualTo("max-seconds 24 bytes magic a1b23c4d");
        assertThat(uplink.uploadedFiles).allSatisfy(file -> assertThat(file).doesNotExist());
        assertThat(captures.runningIds()).isEmpty();
    }

    @Test
    void aStopEndsTheCaptureAndAStopForAnUnknownCaptureIsReportedInWords() {
        captures.handle(start("cap-2", "underlay", 60));
        await().atMost(WAIT).until(() -> uplink.has("running", "cap-2"));

        captures.handle(new CaptureCommand().captureId("cap-2").action(CaptureCommand.ActionEnum.STOP));
        await().atMost(WAIT).until(() -> uplink.has("upload", "cap-2"));
        assertThat(uplink.first("upload", "cap-2").detail()).startsWith("requested ");

        // the same stop again crosses nothing: the capture just ended, so it is not an error
        captures.handle(new CaptureCommand().captureId("cap-2").action(CaptureCommand.ActionEnum.STOP));
        captures.handle(new CaptureCommand().captureId("cap-9").action(CaptureCommand.ActionEnum.STOP));
        await().atMost(WAIT).until(() -> uplink.has("failed", "cap-9"));
        assertThat(uplink.first("failed", "cap-9").detail()).contains("runs no capture cap-9");
        assertThat(uplink.has("failed", "cap-2")).isFalse();
    }

    @Test
    void badStartsAreRefusedInWordsAndChangeNothing() {
        captures.handle(start("cap-3", "i-nope", 60));
        captures.handle(start("../../etc/passwd", "underlay", 60));
        captures.handle(start("cap-4", "underlay", 60));
        captures.handle(start("cap-4", "underlay", 60));
        captures.handle(start("cap-5", "underlay", 60));

        await().atMost(WAIT).until(() -> uplink.has("failed", "cap-5"));
        assertThat(uplink.first("failed", "cap-3").detail()).contains("no port i-nope");
        assertThat(uplink.first("failed", "cap-5").detail())
                .as("one capture per point")
                .contains("already being captured");
        assertThat(uplink.reports.stream().filter(r -> r.captureId().equals("cap-4")))
                .as("the repeated start is ignored")
                .hasSize(1);
        assertThat(uplink.reports).noneMatch(r -> r.captureId().contains("passwd"));
        assertThat(captures.runningIds()).containsExactly("cap-4");
    }

    private static CaptureCommand start(String id, String point, int maxSeconds) {
        return new CaptureCommand()
                .captureId(id)
                .action(CaptureCommand.ActionEnum.START)
                .point(point)
                .maxPackets(100)
                .maxSeconds(maxSeconds)
                .maxBytes(1_000_000L);
    }
}
