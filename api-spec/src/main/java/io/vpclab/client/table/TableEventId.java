package io.vpclab.client.table;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The id of a table-stream event, {@code <incarnation>-<generation>}: which control-plane store
 * allocated the generation, and the generation. The store allocates generations for every
 * replica, so an id means one table on all of them and across restarts; an agent that names
 * another store's incarnation gets a snapshot. The control plane writes these ids and the agent
 * sends the last one back as {@code Last-Event-ID}.
 *
 * @param incarnation 1 to 32 characters of [0-9a-z], random per store
 * @param generation  0 or more
 */
public record TableEventId(String incarnation, long generation) {

    private static final Pattern FORMAT = Pattern.compile("([0-9a-z]{1,32})-([0-9]{1,18})");

    public TableEventId {
        Objects.requireNonNull(incarnation, "incarnation");
        if (!FORMAT.matcher(incarnation + "-0").matches()) {
            throw new IllegalArgumentException("incarnation '" + incarnation + "' is not 1 to 32 of [0-9a-z]");
        }
        if (generation < 0) {
            throw new IllegalArgumentException("generation " + generation + " is negative");
        }
    }

    /** The id of an event as it travels; empty for anything else (a bare generation, garbage, null). */
    public static Optional<TableEventId> parse(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Matcher matcher = FORMAT.matcher(id.trim());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new TableEventId(matcher.group(1), Long.parseLong(matcher.group(2))));
    }

    @Override
    public String toString() {
        return incarnation + "-" + generation;
    }
}
