package io.vpclab.controlplane.flowlog;

import io.vpclab.net.FlowLogRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * The records of every configuration, bounded: a ring of at most {@code capacity} records each in
 * memory (a full ring drops its oldest record and counts it in {@link Ring#dropped}), and, when a
 * directory is configured, a file {@code <flowLogId>.log} each that is renamed to
 * {@code <flowLogId>.log.1} (replacing the previous one) once it would pass {@code fileMaxBytes}.
 * Every record gets a sequence number, increasing, which pages use as their position.
 */
@Component
class FlowLogRecords {

    private static final Logger log = LoggerFactory.getLogger(FlowLogRecords.class);

    /** A record as held: its position and what it says. */
    record Held(long sequence, FlowLogRecord record) {}

    private final int capacity;
    private final Path directory;
    private final long fileMaxBytes;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Ring> rings = new ConcurrentHashMap<>();

    FlowLogRecords(
            @Value("${vpclab.flow-logs.records-per-flow-log:10000}") int capacity,
            @Value("${vpclab.flow-logs.directory:}") String directory,
            @Value("${vpclab.flow-logs.file-max-bytes:10MB}") DataSize fileMaxBytes) {
        if (capacity < 1) {
            throw new IllegalArgumentException("vpclab.flow-logs.records-per-flow-log must be >= 1: " + capacity);
        }
        this.capacity = capacity;
        this.directory = directory == null || directory.isBlank() ? null : Path.of(directory);
        this.fileMaxBytes = fileMaxBytes.toBytes();
        if (this.directory != null) {
            try {
                Files.createDirectories(this.directory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create vpclab.flow-logs.directory " + directory, e);
            }
        }
    }

    /** Appends records to a configuration's ring (and file), oldest dropped past the cap. */
    void append(String flowLogId, List<FlowLogRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        Ring ring = rings.computeIfAbsent(flowLogId, id -> new Ring());
        synchronized (ring) {
            for (FlowLogRecord record : records) {
                if (ring.held.size() == capacity) {
                    ring.held.removeFirst();
                    ring.dropped++;
                }
                ring.held.addLast(new Held(sequence.incrementAndGet(), record));
            }
            if (directory != null) {
                writeToFile(flowLogId, ring, records);
            }
        }
    }

    /**
     * Up to {@code limit} held records after position {@code after} that {@code filter} keeps,
     * oldest first.
     */
    List<Held> page(String flowLogId, long after, Predicate<FlowLogRecord> filter, int limit) {
        Ring ring = rings.get(flowLogId);
        List<Held> found = new ArrayList<>();
        if (ring == null) {
            return found;
        }
        synchronized (ring) {
            for (Held held : ring.held) {
                if (held.sequence() > after && filter.test(held.record())) {
                    found.add(held);
                    if (found.size() == limit) {
                        break;
                    }
                }
            }
        }
        return found;
    }

    /** Records held now. */
    long held(String flowLogId) {
        Ring ring = rings.get(flowLogId);
        if (ring == null) {
            return 0;
        }
        synchronized (ring) {
            return ring.held.size();
        }
    }

    /** Records dropped at the cap since the server started. */
    long dropped(String flowLogId) {
        Ring ring = rings.get(flowLogId);
        if (ring == null) {
            return 0;
        }
        synchronized (ring) {
            return ring.dropped;
        }
    }

    /** Forgets a deleted configuration's records, its files included. */
    void forget(String flowLogId) {
        rings.remove(flowLogId);
        if (directory != null) {
            try {
                Files.deleteIfExists(file(flowLogId));
                Files.deleteIfExists(rolled(flowLogId));
            } catch (IOException e) {
                log.warn("could not delete the flow log files of {}: {}", flowLogId, e.toString());
            }
        }
    }

    private void writeToFile(String flowLogId, Ring ring, List<FlowLogRecord> records) {
        StringBuilder text = new StringBuilder();
        for (FlowLogRecord record : records) {
            text.append(record.line()).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        Path file = file(flowLogId);
        try {
            long size = Files.exists(file) ? Files.size(file) : 0;
            if (size > 0 && size + bytes.length > fileMaxBytes) {
                Files.move(file, rolled(flowLogId), StandardCopyOption.REPLACE_EXISTING);
                ring.rolledFiles++;
            }
            Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // memory still holds the records; the file is a copy, so a full disk loses only the copy
            log.warn("could not append to flow log file {}: {}", file, e.toString());
        }
    }

    private Path file(String flowLogId) {
        return directory.resolve(flowLogId + ".log");
    }

    private Path rolled(String flowLogId) {
        return directory.resolve(flowLogId + ".log.1");
    }

    private static final class Ring {
        final ArrayDeque<Held> held = new ArrayDeque<>();
        long dropped;
        long rolledFiles;
    }
}
