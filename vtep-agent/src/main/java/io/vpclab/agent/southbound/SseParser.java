package io.vpclab.agent.southbound;

import java.util.function.Consumer;

/**
 * Turns the lines of a {@code text/event-stream} into events, following the WHATWG
 * server-sent events rules that matter here: {@code field: value} lines, comments starting with
 * ':', multi-line data joined with '\n', dispatch on an empty line, unknown fields ignored.
 * An event whose data would exceed {@code maxDataChars} is refused, so a broken or hostile
 * stream cannot exhaust memory.
 */
public final class SseParser {

    private final Consumer<SseEvent> sink;
    private final int maxDataChars;
    private final StringBuilder data = new StringBuilder();
    private String name;
    private String id;
    private boolean hasData;

    public SseParser(Consumer<SseEvent> sink, int maxDataChars) {
        this.sink = sink;
        this.maxDataChars = maxDataChars;
    }

    /** Feeds one line without its terminator. */
    public void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> name = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    id = value;
                }
            }
            case "data" -> appendData(value);
            default -> {
                // "retry" and unknown fields: the agent has its own backoff.
            }
        }
    }

    private void appendData(String value) {
        int needed = data.length() + (hasData ? 1 : 0) + value.length();
        if (needed > maxDataChars) {
            throw new IllegalArgumentException("event data exceeds " + maxDataChars + " characters");
        }
        if (hasData) {
            data.append('\n');
        }
        data.append(value);
        hasData = true;
    }

    private void dispatch() {
        if (hasData) {
            sink.accept(new SseEvent(name == null || name.isEmpty() ? "message" : name, id, data.toString()));
        }
        data.setLength(0);
        hasData = false;
        name = null;
        id = null;
    }
}
