package io.vpclab.controlplane.flowlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.net.FlowLogRecord;
import io.vpclab.net.Ipv4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/** The bounds of held records: the ring drops its oldest and counts them; the file rolls over at its size. */
class FlowLogRecordsTest {

    @TempDir
    Path directory;

    @Test
    void aFullRingDropsItsOldestAndCountsThem() {
        FlowLogRecords records = new FlowLogRecords(3, "", DataSize.ofMegabytes(1));

        records.append(
                "fl-1",
                IntStream.range(0, 5).mapToObj(FlowLogRecordsTest::record).toList());

        assertThat(records.held("fl-1")).isEqualTo(3);
        assertThat(records.dropped("fl-1")).isEqualTo(2);
        assertThat(records.page("fl-1", 0, r -> true, 10))
                .extracting(held -> held.record().srcport())
                .containsExactly(2, 3, 4);
        assertThat(records.held("fl-2")).as("rings are per configuration").isZero();
    }

    @Test
    void pagesStartAfterAPositionAndStopAtTheLimit() {
        FlowLogRecords records = new FlowLogRecords(100, "", DataSize.ofMegabytes(1));
        records.append(
                "fl-1",
                IntStream.range(0, 10).mapToObj(FlowLogRecordsTest::record).toList());

        List<FlowLogRecords.Held> first = records.page("fl-1", 0, r -> r.srcport() % 2 == 0, 3);
        List<FlowLogRecords.Held> second = records.page("fl-1", first.get(2).sequence(), r -> r.srcport() % 2 == 0, 3);

        assertThat(first).extracting(h -> h.record().srcport()).containsExactly(0, 2, 4);
        assertThat(second).extracting(h -> h.record().srcport()).containsExactly(6, 8);
    }

    @Test
    void theFileRollsOverSoDiskUseStaysUnderTwiceTheCap() throws Exception {
        long cap = 1_000;
        FlowLogRecords records = new FlowLogRecords(10_000, directory.toString(), DataSize.ofBytes(cap));

        for (int batch = 0; batch < 50; batch++) {
            records.append("fl-1", List.of(record(batch)));
        }

        Path current = directory.resolve("fl-1.log");
        Path rolled = directory.resolve("fl-1.log.1");
        assertThat(Files.size(current)).isLessThanOrEqualTo(cap);
        assertThat(Files.size(rolled)).isLessThanOrEqualTo(cap);
        List<String> written = Files.readAllLines(current);
        assertThat(written.get(written.size() - 1)).isEqualTo(record(49).line());
        assertThat(records.held("fl-1"))
                .as("memory holds what the files rolled away")
                .isEqualTo(50);

        records.forget("fl-1");
        assertThat(current).doesNotExist();
        assertThat(rolled).doesNotExist();
    }

    private static FlowLogRecord record(int i) {
        return new FlowLogRecord(
                "tenant-1",
                "i-1",
                Ipv4Address.parse("10.0.0.1"),
                Ipv4Address.parse("10.0.0.2"),
                i,
                80,
                6,
                1,
                60,
                1_700_000_000L,
                1_700_000_000L,
                true);
    }
}
