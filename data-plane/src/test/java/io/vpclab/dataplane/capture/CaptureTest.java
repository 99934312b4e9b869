package io.vpclab.dataplane.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vpclab.dataplane.CaptureFixture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Captures at a port and at the underlay, read back byte by byte and by tshark. */
public class CaptureTest {

    @TempDir
    Path dir;

    @Test
    void underlayCaptureDecodesAsVxlanWithTheVniInTshark() throws Exception {
        Path file = dir.resolve("underlay.pcap");
        long packets = CaptureFixture.pingWhileCapturing(file, true, 2);

        assertThat(packets).isEqualTo(4); // two requests out, two replies in
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed (apt-get install -y tshark)");
        List<String> vnis = tshark(file, "vxlan.vni");
        assertThat(vnis).containsExactly("8388608", "8388608", "8388608", "8388608");
        assertThat(tshark(file, "udp.dstport")).contains("4789");
        assertThat(tshark(file, "icmp.type")).containsExactly("8", "0", "8", "0");
    }

    @Test
    void portCaptureHoldsTheInstancesFramesInPcapFormat() throws Exception {
        Path file = dir.resolve("port.pcap");
        long packets = CaptureFixture.pingWhileCapturing(file, false, 1);

        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer pcap = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(pcap.getInt(0)).isEqualTo(PcapWriter.MAGIC_NANOSECONDS);
        assertThat(pcap.getShort(4)).isEqualTo((short) 2);
        assertThat(pcap.getShort(6)).isEqualTo((short) 4);
        assertThat(pcap.getInt(20)).isEqualTo(PcapWriter.LINKTYPE_ETHERNET);
        // ARP request, ARP reply, echo request, echo reply: 42 + 42 + 98 + 98 bytes of frames
        assertThat(packets).isEqualTo(4);
        assertThat(bytes)
                .hasSize(PcapWriter.GLOBAL_HEADER_LENGTH + 4 * PcapWriter.RECORD_HEADER_LENGTH + 42 + 42 + 98 + 98);
        int first = PcapWriter.GLOBAL_HEADER_LENGTH;
        assertThat(pcap.getInt(first + 8)).as("captured length").isEqualTo(42);
        assertThat(pcap.getInt(first + 12)).as("original length").isEqualTo(42);
        if (Files.isExecutable(Path.of("/usr/bin/tshark"))) {
            assertThat(tshark(file, "arp.opcode")).containsExactly("1", "2");
        }
    }

    @Test
    void aCaptureClosesItselfAtItsPacketOrByteLimit() throws Exception {
        io.netty.buffer.ByteBuf frame = io.netty.buffer.Unpooled.wrappedBuffer(new byte[60]);
        try {
            Capture byCount = new Capture("p1", dir.resolve("count.pcap"));
            byCount.limit(2, Long.MAX_VALUE);
            for (int i = 0; i < 5; i++) {
                byCount.frame(frame);
            }
            assertThat(byCount.packets()).isEqualTo(2);
            assertThat(byCount.isFull()).isTrue();
            assertThat(byCount.isClosed()).isTrue();
            assertThat(Files.size(byCount.file()))
                    .isEqualTo(byCount.bytes())
                    .isEqualTo(PcapWriter.GLOBAL_HEADER_LENGTH + 2 * (PcapWriter.RECORD_HEADER_LENGTH + 60));

            // room for one record and a half: the second is not written in part
            Capture bySize = new Capture("p2", dir.resolve("size.pcap"));
            bySize.limit(
                    Long.MAX_VALUE, PcapWriter.GLOBAL_HEADER_LENGTH + 3 * (PcapWriter.RECORD_HEADER_LENGTH + 60) / 2);
            bySize.frame(frame);
            assertThat(bySize.isFull()).isFalse();
            bySize.frame(frame);
            bySize.frame(frame);
            assertThat(bySize.packets()).isEqualTo(1);
            assertThat(bySize.isFull()).isTrue();
            assertThat(Files.size(bySize.file()))
                    .isEqualTo(PcapWriter.GLOBAL_HEADER_LENGTH + PcapWriter.RECORD_HEADER_LENGTH + 60);

            Capture unbounded = new Capture("p3", dir.resolve("open.pcap"));
            unbounded.frame(frame);
            unbounded.close();
            assertThat(unbounded.isFull())
                    .as("closed by its owner, not by a limit")
                    .isFalse();
        } finally {
            frame.release();
        }
    }

    public static List<String> tshark(Path file, String field) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("tshark", "-r", file.toString(), "-T", "fields", "-e", field)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("tshark exit code").isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
