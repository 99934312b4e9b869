package io.vpclab.controlplane.capture;

import io.vpclab.api.CaptureAgentApi;
import io.vpclab.api.CapturesApi;
import io.vpclab.api.model.CaptureCreate;
import io.vpclab.api.model.CaptureList;
import io.vpclab.api.model.CaptureProgress;
import io.vpclab.api.model.CaptureStatus;
import io.vpclab.api.model.CaptureStopReason;
import io.vpclab.api.model.CaptureTarget;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.Times;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class CaptureController implements CapturesApi, CaptureAgentApi {

    private final CaptureService captures;

    CaptureController(CaptureService captures) {
        this.captures = captures;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Capture> startCapture(CaptureCreate body) {
        Capture capture = captures.start(
                Callers.current(),
                new CaptureService.Request(
                        body.getInstanceId(),
                        body.getHostId(),
                        body.getMaxPackets() == null ? 1000 : body.getMaxPackets(),
                        body.getMaxSeconds() == null ? 60 : body.getMaxSeconds()));
        return ResponseEntity.created(URI.create("/api/v1/captures/" + capture.id()))
                .body(toDto(capture));
    }

    @Override
    public ResponseEntity<CaptureList> listCaptures() {
        return ResponseEntity.ok(new CaptureList(captures.list(Callers.current()).stream()
                .map(CaptureController::toDto)
                .toList()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Capture> getCapture(String captureId) {
        return ResponseEntity.ok(toDto(captures.get(Callers.current(), captureId)));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Capture> stopCapture(String captureId) {
        return ResponseEntity.ok(toDto(captures.stop(Callers.current(), captureId)));
    }

    @Override
    public ResponseEntity<Void> deleteCapture(String captureId) {
        captures.delete(Callers.current(), captureId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<Void> reportCaptureProgress(String hostId, String captureId, CaptureProgress body) {
        CaptureFileController.requireHostOrAdmin(hostId);
        captures.progress(
                hostId,
                captureId,
                body.getStatus() == CaptureProgress.StatusEnum.FAILED,
                body.getPackets() == null ? 0 : body.getPackets(),
                body.getError());
        return ResponseEntity.noContent().build();
    }

    static io.vpclab.api.model.Capture toDto(Capture capture) {
        CaptureTarget target = new CaptureTarget(
                        capture.isUnderlay() ? CaptureTarget.KindEnum.UNDERLAY : CaptureTarget.KindEnum.PORT,
                        capture.hostId())
                .instanceId(capture.instanceId());
        Capture.StopReason reason = capture.stopReason();
        return new io.vpclab.api.model.Capture(
                        capture.id(),
                        target,
                        CaptureStatus.valueOf(capture.status().name()),
                        capture.packets(),
                        capture.bytes(),
                        capture.maxPackets(),
                        capture.maxSeconds(),
                        Times.utc(capture.startedAt()))
                .tenantId(capture.tenantId())
                .stoppedAt(Times.utc(capture.stoppedAt()))
                .stopReason(reason == null ? null : CaptureStopReason.valueOf(reason.name()))
                .error(capture.error());
    }
}
