package io.vpclab.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The version 2 text format: round trip, every truncation, single-field damage and random garbage refused clearly. */
class FlowLogRecordTest {

    static final String LINE =
            "2 tenant-0123456789abcdef0 i-0123456789abcdef0 10.0.1.5 10.0.2.9 40000 443 6 12 3456 1700000000 1700000059 ACCEPT OK";

    @Test
    void aLineRoundTripsFieldByField() {
        FlowLogRecord record = FlowLogRecord.parse(LINE);

        assertThat(record.accountId()).isEqualTo("tenant-0123456789abcdef0"); // account-id
        assertThat(record.interfaceId()).isEqualTo("i-0123456789abcdef0"); // interface-id
        assertThat(record.srcaddr()).isEqualTo(Ipv4Address.parse("10.0.1.5"));
        assertThat(record.dstaddr()).isEqualTo(Ipv4Address.parse("10.0.2.9"));
        assertThat(record.srcport()).isEqualTo(40000); // above 32767: no sign trouble
        assertThat(record.dstport()).isEqualTo(443);
        assertThat(record.protocol()).isEqualTo(6);
        assertThat(record.packets()).isEqualTo(12);
        assertThat(record.bytes()).isEqualTo(3456);
        assertThat(record.start()).isEqualTo(1_700_000_000L);
        assertThat(record.end()).isEqualTo(1_700_000_059L);
        assertThat(record.accepted()).isTrue();
        assertThat(record.line()).isEqualTo(LINE);
        assertThat(FlowLogRecord.HEADER.split(" ")).hasSize(LINE.split(" ").length);
    }

    @Test
    void highEdgeValuesRoundTrip() {
        String line = "2 a b 255.255.255.255 0.0.0.0 65535 0 255 9223372036854775807 0 0 253402300799 REJECT OK";

        assertThat(FlowLogRecord.parse(line).line()).isEqualTo(line);
    }

    @Test
    void everyTruncatedLineIsRefusedWithAMessage() {
        for (int length = 0; length < LINE.length(); length++) {
            String truncated = LINE.substring(0, length);
            assertThatThrownBy(() -> FlowLogRecord.parse(truncated))
                    .as("%d characters", length)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("Exception");
        }
    }

    @Test
    void eachDamagedFieldIsNamed() {
        String[][] damage = {
            {"version", "3"},
            {"account-id", "a b"},
            {"interface-id", "-"},
            {"srcaddr", "10.0.1.05"},
            {"dstaddr", "10.0.2"},
            {"srcport", "65536"},
            {"dstport", "-1"},
            {"protocol", "256"},
            {"packets", "0"},
            {"bytes", "1e3"},
            {"start", "253402300800"},
            {"end", "1699999999"},
            {"action", "DROP"},
            {"log-status", "SKIPDATA"}
        };
        for (int field = 0; field < damage.length; field++) {
            String[] fields = LINE.split(" ");
            fields[field] = damage[field][1];
            String line = String.join(" ", fields);
            String name = damage[field][0];
            assertThatThrownBy(() -> FlowLogRecord.parse(line))
                    .as(line)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(name.equals("account-id") ? "fields" : name);
        }
    }

    /** Random bytes flipped in a valid line: parsed exactly (and written back the same) or refused, nothing else. */
    @Test
    void randomDamageIsParsedExactlyOrRefused() {
        Random random = new Random(15);
        int parsed = 0;
        for (int round = 0; round < 20_000; round++) {
            char[] chars = LINE.toCharArray();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                chars[random.nextInt(chars.length)] = (char) random.nextInt(0x80);
            }
            String line = new String(chars);
            try {
                FlowLogRecord record = FlowLogRecord.parse(line);
                assertThat(record.line()).isEqualTo(line);
                parsed++;
            } catch (IllegalArgumentException refused) {
                assertThat(refused.getMessage()).isNotBlank().hasSizeLessThan(400);
            }
        }
        assertThat(parsed)
                .as("some flips keep a valid line (a digit for a digit)")
                .isPositive();
    }

    @Test
    void aSkipDataRecordHasOnlyItsInterfaceAndWindowAsAwsWritesIt() {
        String line = "2 tenant-1 i-0123456789abcdef0 - - - - - - - 1700000000 1700000060 - SKIPDATA";

        FlowLogRecord record = FlowLogRecord.parse(line);

        assertThat(record).isEqualTo(FlowLogRecord.skipData("tenant-1", "i-0123456789abcdef0", 1700000000, 1700000060));
        assertThat(record.skipped()).isTrue();
        assertThat(record.srcaddr()).isNull();
        assertThat(record.line()).isEqualTo(line);
        assertThatThrownBy(
                        () -> FlowLogRecord.parse(line.replace("1700000060 - SKIPDATA", "1700000060 ACCEPT SKIPDATA")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SKIPDATA");
        assertThatThrownBy(() -> FlowLogRecord.parse(line.replace("- - - - - - -", "10.0.0.1 - - - - - -")))
                .hasMessageContaining("field 4");
        assertThatThrownBy(() -> FlowLogRecord.parse(line.replace("1700000060", "1600000000")))
                .hasMessageContaining("end");
    }
}
