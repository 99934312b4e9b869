package io.vpclab.dataplane;

import io.vpclab.dataplane.capture.Capture;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a ping between two simulated hosts while one capture point records (used by the capture tests). */
public final class CaptureFixture {

    private CaptureFixture() {}

    /**
     * Pings h2 (vni 0x800000, on B) from h3 (same segment, on A) {@code count} times while
     * capturing A's underlay ({@code underlay}) or h3's port; returns the packets written.
     */
    public static long pingWhileCapturing(Path file, boolean underlay, int count) throws Exception {
        InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
        try (TwoVteps net = new TwoVteps(
                name -> hub.join(new InetSocketAddress(name.equals("A") ? "10.255.0.1" : "10.255.0.2", 4789)),
                1500,
                List.of())) {
            Capture capture = net.a.startCapture(underlay ? Vtep.UNDERLAY : "h3", file);
            long received = net.host("h3")
                    .ping(TwoVteps.ip("h2"), count, Duration.ofSeconds(2))
                    .get(10, TimeUnit.SECONDS)
                    .received();
            if (received != count) {
                throw new AssertionError("ping lost packets: " + received + " of " + count);
            }
            net.a.stopCapture(capture);
            return capture.packets();
        }
    }
}
