package io.vpclab.controlplane.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The check an agent's upload passes before anyone may download it: well-formed classic pcap only. */
class PcapSummaryTest {

    @Test
    void countsTheRecordsOfEitherByteOrderAndTimestampResolution() throws Exception {
        assertThat(read(CaptureApiTest.pcap(3))).isEqualTo(new PcapSummary(3, 1, false));
        assertThat(read(pcap(ByteOrder.BIG_ENDIAN, 0xa1b23c4d, 2, 42))).isEqualTo(new PcapSummary(2, 1, true));
        assertThat(read(pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b23c4d, 0, 42)))
                .as("a header alone is an empty capture")
                .isEqualTo(new PcapSummary(0, 1, true));
    }

    @Test
    void refusesWhatIsNotWellFormedSayingWhy() {
        byte[] good = CaptureApiTest.pcap(2);
        assertRefused(new byte[0], "shorter than the 24-byte pcap header");
        assertRefused("GET / HTTP/1.1\r\n\r\nxxxxxxxxxxxxxxxxxxxx".getBytes(), "not a pcap file");
        assertRefused(Arrays.copyOf(good, good.length - 1), "record 2 is truncated");
        assertRefused(Arrays.copyOf(good, good.length + 5), "record 3 has a truncated header");
        byte[] version = good.clone();
        version[4] = 1;
        assertRefused(version, "pcap version 1");
        byte[] oversized = good.clone();
        ByteBuffer.wrap(oversized)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(24 + 8, 70_000)
                .putInt(24 + 12, 70_000);
        assertRefused(oversized, "claims 70000 captured bytes");
        byte[] fraction = good.clone();
        ByteBuffer.wrap(fraction).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 4, 1_000_000);
        assertRefused(fraction, "timestamp fraction of 1000000");
    }

    /** Whatever an agent (or anyone holding a host token) uploads: a summary that fits the bytes, or a refusal. */
    @FuzzTest(maxDuration = "10s")
    void anyUploadIsSummarisedOrRefused(FuzzedDataProvider data) throws IOException {
        byte[] upload = data.consumeRemainingAsBytes();
        PcapSummary summary;
        try {
            summary = read(upload);
        } catch (PcapSummary.MalformedPcapException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(upload.length)
                .isGreaterThanOrEqualTo(
                        PcapSummary.GLOBAL_HEADER_LENGTH + (int) summary.packets() * PcapSummary.RECORD_HEADER_LENGTH);
        assertThat(summary.linkType()).isBetween(0, 0x0fffffff);
    }

    private static PcapSummary read(byte[] bytes) throws IOException, PcapSummary.MalformedPcapException {
        return PcapSummary.read(new ByteArrayInputStream(bytes));
    }

    private static void assertRefused(byte[] bytes, String why) {
        assertThatThrownBy(() -> read(bytes))
                .isInstanceOf(PcapSummary.MalformedPcapException.class)
                .hasMessageContaining(why);
    }

    private static byte[] pcap(ByteOrder order, int magic, int records, int length) {
        ByteBuffer out = ByteBuffer.allocate(24 + records * (16 + length)).order(order);
        out.putInt(magic)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(65535)
                .putInt(1);
        for (int i = 0; i < records; i++) {
            out.putInt(1_700_000_000)
                    .putInt(999_999_999)
                    .putInt(length)
                    .putInt(length)
                    .put(new byte[length]);
        }
        return out.array();
    }
}
