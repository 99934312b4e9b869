package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.ControlPlaneLab.ping;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.CONVERGENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.api.CapturesApi;
import io.vpclab.client.api.SouthboundApi;
import io.vpclab.client.model.Capture;
import io.vpclab.client.model.CaptureCreate;
import io.vpclab.client.model.CaptureStatus;
import io.vpclab.client.model.CaptureStopReason;
import io.vpclab.client.model.Instance;
import io.vpclab.controlplane.capture.PcapFile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captures through the whole chain: the API books them, the real agents write pcap at a port
 * and at the underlay while instances ping, upload it, and the downloaded file is read back
 * record by record (and by tshark, which must decode the VXLAN header and its VNI).
 */
class CaptureOnTheWireTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private OnTheWireFixture wire;
    private ControlPlaneLab lab;
    private FollowAgent a1;
    private FollowAgent a2;
    private Instance web;

    @BeforeEach
    void start() throws Exception {
        wire = OnTheWireFixture.server();
        lab = wire.lab();
        List<FollowAgent> agents = wire.agents("cap", 2);
        a1 = agents.get(0);
        a2 = agents.get(1);
        String subnetId = wire.subnet(wire.vpc(wire.tenant("cap"), "10.8.0.0/16"), "10.8.1.0/24");
        web = wire.instance(subnetId, a1, "10.8.1.10");
        wire.instance(subnetId, a2, "10.8.1.11");
        wire.awaitConverged();
    }

    @AfterEach
    void stop() {
        wire.close();
    }

    @Test
    void portCaptureDuringAPingDownloadsAsPcapWithTheIcmpFrames() throws Exception {
        CapturesApi captures = new CapturesApi(lab.admin());
        Capture capture = captures.startCapture(new CaptureCreate().instanceId(web.getInstanceId()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> captures.getCapture(capture.getCaptureId()).getStatus() == CaptureStatus.RUNNING);

        await().atMost(CONVERGENCE)
                .until(() -> ping(a1, web.getInstanceId(), "10.8.1.11").getReceived() == 2);
        Capture stopped = captures.stopCapture(capture.getCaptureId());

        assertThat(stopped.getStatus()).isEqualTo(CaptureStatus.STOPPED);
        assertThat(stopped.getStopReason()).isEqualTo(CaptureStopReason.REQUESTED);
        Path file = download(capture.getCaptureId());
        PcapFile pcap = PcapFile.read(file);
        assertThat(pcap.linkType()).as("Ethernet").isEqualTo(1);
        assertThat(pcap.frames()).hasSize((int) (long) stopped.getPackets());
        List<Integer> icmpTypes = pcap.frames().stream()
                .filter(PcapFile::isIcmp)
                .map(PcapFile::icmpType)
                .toList();
        assertThat(icmpTypes)
                .as("echo requests (8) and replies (0) as the instance saw them")
                .contains(8, 0);
        assertThat(Files.size(file)).isEqualTo(stopped.getBytes());
        assumeTsharkInstalled();
        assertThat(tshark(file, "icmp.type")).contains("8", "0");
    }

    @Test
    void underlayCaptureShowsVxlanWithTheVniAndEndsAtItsPacketBound() throws Exception {
        long vni = new SouthboundApi(lab.admin())
                .getForwardingTable(a1.hostId())
                .getSegments()
                .get(0)
                .getVni();
        CapturesApi captures = new CapturesApi(lab.admin());
        Capture capture =
                captures.startCapture(new CaptureCreate().hostId(a1.hostId()).maxPackets(4));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> captures.getCapture(capture.getCaptureId()).getStatus() != CaptureStatus.STARTING);

        // pings until the agent has written its 4 datagrams and uploaded the file on its own
        await().atMost(CONVERGENCE).until(() -> {
            ping(a1, web.getInstanceId(), "10.8.1.11");
            return captures.getCapture(capture.getCaptureId()).getStatus() == CaptureStatus.STOPPED;
        });

        Capture stopped = captures.getCapture(capture.getCaptureId());
        assertThat(stopped.getStopReason()).isEqualTo(CaptureStopReason.MAX_PACKETS);
        assertThat(stopped.getPackets()).isEqualTo(4);
        PcapFile pcap = PcapFile.read(download(capture.getCaptureId()));
        assertThat(pcap.frames()).hasSize(4);
        for (byte[] frame : pcap.frames()) {
            assertThat(PcapFile.udpDestinationPort(frame))
                    .as("every record is a VXLAN datagram")
                    .isIn(a1UdpPort(), a2UdpPort());
            assertThat(PcapFile.vxlanVni(frame)).isEqualTo(vni);
        }
        assumeTsharkInstalled();
        // the lab's agents listen on free ports, not 4789: tell tshark those carry VXLAN
        assertThat(tshark(
                        download(capture.getCaptureId()),
                        "vxlan.vni",
                        "-d",
                        "udp.port==" + a1UdpPort() + ",vxlan",
                        "-d",
                        "udp.port==" + a2UdpPort() + ",vxlan"))
                .hasSize(4)
                .containsOnly(Long.toString(vni));
    }

    private int a1UdpPort() throws Exception {
        return new io.vpclab.client.api.HostsApi(lab.admin())
                .getHost(a1.hostId())
                .getUdpPort();
    }

    private int a2UdpPort() throws Exception {
        return new io.vpclab.client.api.HostsApi(lab.admin())
                .getHost(a2.hostId())
                .getUdpPort();
    }

    private Path download(String captureId) throws Exception {
        Path file = dir.resolve(captureId + "-" + System.nanoTime() + ".pcap");
        HttpResponse<Path> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(lab.uri() + "/api/v1/captures/" + captureId + "/pcap"))
                        .header("Authorization", "Bearer " + ControlPlaneLab.ADMIN)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofFile(file));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/vnd.tcpdump.pcap");
        return file;
    }

    private static void assumeTsharkInstalled() {
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed (apt-get install -y tshark)");
    }

    private static List<String> tshark(Path file, String field, String... options)
            throws IOException, InterruptedException {
        List<String> command =
                new java.util.ArrayList<>(List.of("tshark", "-r", file.toString(), "-T", "fields", "-e", field));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("tshark exit code").isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
