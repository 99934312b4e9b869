package io.vpclab.agent.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private final List<SseEvent> events = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add, 64);

    @Test
    void eventIsDispatchedOnTheEmptyLine() {
        feed("id: 7", "event: snapshot", "data: {\"a\":1}");
        assertThat(events).isEmpty();

        feed("");

        assertThat(events).containsExactly(new SseEvent("snapshot", "7", "{\"a\":1}"));
    }

    @Test
    void dataLinesJoinWithNewlinesAndOneLeadingSpaceIsDropped() {
        feed("data:first", "data:  second", "");

        assertThat(events).containsExactly(new SseEvent("message", null, "first\n second"));
    }

    @Test
    void commentsAndUnknownFieldsAreIgnored() {
        feed(": keepalive", "retry: 10", "colour: blue", "data", "");

        assertThat(events).containsExactly(new SseEvent("message", null, ""));
    }

    @Test
    void blankLineWithoutDataDispatchesNothingAndResetsTheEvent() {
        feed("event: delta", "id: 3", "", "data: x", "");

        assertThat(events).containsExactly(new SseEvent("message", null, "x"));
    }

    @Test
    void idWithNulIsIgnored() {
        feed("id: a\0b", "data: x", "");

        assertThat(events.get(0).id()).isNull();
    }

    @Test
    void oversizedDataIsRefused() {
        feed("data: " + "x".repeat(60));

        assertThatThrownBy(() -> parser.line("data: 12345"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64");
    }

    /** Any byte sequence, cut into lines as HttpClient does, either parses or is refused as too big. */
    @FuzzTest(maxDuration = "10s")
    void anyLinesParseOrAreRefusedCleanly(byte[] input) {
        SseParser fuzzed = new SseParser(event -> assertThat(event.name()).isNotEmpty(), 256);
        for (String line : new String(input, StandardCharsets.UTF_8).split("\r\n|\r|\n", -1)) {
            try {
                fuzzed.line(line);
            } catch (IllegalArgumentException tooBig) {
                assertThat(tooBig).hasMessageContaining("exceeds");
                return;
            }
        }
    }

    private void feed(String... lines) {
        for (String line : lines) {
            parser.line(line);
        }
    }
}
